import { InputError } from '@backstage/errors';
import {
  isUnassignedAllocationName,
  parseOpenCostAggregate,
} from './aggregate';

describe('parseOpenCostAggregate', () => {
  it.each([
    ['label:app=payments', 'label:app', ['payments', 'app=payments']],
    [' label:app = payments ', 'label:app', ['payments', 'app=payments']],
    [
      'label:app.kubernetes.io/name=payments',
      'label:app.kubernetes.io/name',
      ['payments', 'app.kubernetes.io/name=payments'],
    ],
    [
      'annotation:team=payments',
      'annotation:team',
      ['payments', 'team=payments'],
    ],
    ['namespace=payments', 'namespace', ['payments']],
    ['Namespace=payments', 'namespace', ['payments']],
    ['controllerkind=deployment', 'controllerKind', ['deployment']],
    [
      'controller=deployment:payments-api',
      'controller',
      ['deployment:payments-api'],
    ],
    ['deployment=payments-api', 'deployment', ['payments-api']],
    [
      'namespace=shop,label:app=payments',
      'namespace,label:app',
      ['shop/payments', 'shop/app=payments'],
    ],
    ['cluster=eu-1,namespace=shop', 'cluster,namespace', ['eu-1/shop']],
  ])('%s → aggregate %s, names %j', (annotation, aggregate, names) => {
    expect(parseOpenCostAggregate(annotation)).toEqual({ aggregate, names });
  });

  it.each([
    ['payments', "'payments' is not <property>=<value>"],
    ['label:app=', "'label:app=' is not <property>=<value>"],
    ['=payments', "'=payments' is not <property>=<value>"],
    ['label:app=pay/ments', "may not contain '/'"],
    ['label:app=a=b', "may not contain '/', '='"],
    ['label:=payments', "'' is not a Kubernetes label name"],
    ['region=eu', "unknown property 'region'"],
    ['namespace=a,namespace=b', 'a property is named twice'],
    ['label:app=__unallocated__', 'never attributed to an entity'],
    ['namespace=__idle__', 'never attributed to an entity'],
    ['namespace=shop,', "'' is not <property>=<value>"],
  ])('rejects %s with a message naming the problem', (annotation, message) => {
    expect(() => parseOpenCostAggregate(annotation)).toThrow(InputError);
    expect(() => parseOpenCostAggregate(annotation)).toThrow(message);
  });
});

describe('isUnassignedAllocationName', () => {
  it.each([
    ['__idle__', true],
    ['__unallocated__', true],
    ['cluster-one/__idle__', true],
    ['shop/__unallocated__', true],
    ['__unmounted__', true],
    ['payments', false],
    ['shop/payments', false],
    ['__payments', false],
  ])('%s → %s', (name, expected) => {
    expect(isUnassignedAllocationName(name)).toBe(expected);
  });
});
