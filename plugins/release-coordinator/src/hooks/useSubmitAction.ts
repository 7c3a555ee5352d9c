import { useCallback, useState } from 'react';
import { ResponseError } from '@backstage/errors';

/**
 * The message to show for a failed action: the backend's own message (e.g.
 * "release is frozen by year-end") rather than "Request failed with 409".
 */
export function actionErrorMessage(error: unknown): string {
  if (error instanceof ResponseError) {
    return error.cause.message || error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

/**
 * Runs a mutating call for a dialog or button: tracks that it is running and
 * keeps the error message (so the dialog can stay open and show it).
 * Resolves to whether the action succeeded.
 */
export function useSubmitAction() {
  const [submitting, setSubmitting] = useState(false);
  const [errorMessage, setErrorMessage] = useState<string | undefined>();

  const submit = useCallback(async (action: () => Promise<void>) => {
    setSubmitting(true);
    setErrorMessage(undefined);
    try {
      await action();
      return true;
    } catch (error) {
      setErrorMessage(actionErrorMessage(error));
      return false;
    } finally {
      setSubmitting(false);
    }
  }, []);

  const clearError = useCallback(() => setErrorMessage(undefined), []);

  return { submit, submitting, errorMessage, clearError };
}
