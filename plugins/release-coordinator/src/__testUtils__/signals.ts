import { SignalApi } from '@backstage/plugin-signals-react';
import { act } from '@testing-library/react';

/**
 * A signals API like the real client: any number of subscribers per
 * channel, each removed by its `unsubscribe`.
 */
export function fakeSignalApi() {
  const listeners = new Map<string, Set<(message: object) => void>>();
  const api: SignalApi = {
    subscribe: (channel, onMessage) => {
      const listener = onMessage as (message: object) => void;
      const channelListeners = listeners.get(channel) ?? new Set();
      channelListeners.add(listener);
      listeners.set(channel, channelListeners);
      return {
        unsubscribe: () => {
          channelListeners.delete(listener);
        },
      };
    },
  };
  return {
    api,
    /** The channels someone listens to, sorted. */
    channels: () =>
      [...listeners]
        .filter(([, channelListeners]) => channelListeners.size > 0)
        .map(([channel]) => channel)
        .sort(),
    /** How many listen to the channel. */
    listenerCount: (channel: string) => listeners.get(channel)?.size ?? 0,
    /** Hands the message to the channel's listeners (inside `act`). */
    publish: (channel: string, message: object = {}) =>
      act(() => {
        listeners.get(channel)?.forEach(listener => listener(message));
      }),
  };
}
