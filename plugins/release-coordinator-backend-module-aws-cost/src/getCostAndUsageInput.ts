import {
  Expression,
  GetCostAndUsageCommandInput,
} from '@aws-sdk/client-cost-explorer';
import { AwsCostMetric } from './config';
import { CostTag } from './costInsightsTags';

/**
 * One Cost Explorer query that serves a group of entities: daily cost
 * grouped by one tag key (`GroupBy TAG`), optionally restricted by further
 * tags that must all match (`Filter`).
 *
 * @public
 */
export interface TagGroupQuery {
  metric: AwsCostMetric;
  /** The tag key the results are grouped by; each entity takes its value's group. */
  groupByTagKey: string;
  /** Further tags that must all match; empty when the group key is the only tag. */
  filterTags: CostTag[];
}

/**
 * The Cost Explorer `Filter` for tags that must all match: one `Tags`
 * expression for a single tag, `And` of them for several, none for none.
 *
 * @public
 */
export function tagFilterExpression(tags: CostTag[]): Expression | undefined {
  const expressions: Expression[] = tags.map(tag => ({
    Tags: { Key: tag.key, Values: [tag.value], MatchOptions: ['EQUALS'] },
  }));
  if (expressions.length <= 1) {
    return expressions[0];
  }
  return { And: expressions };
}

/**
 * The `GetCostAndUsage` request of a query over the UTC days [start, end)
 * (Cost Explorer's `End` is exclusive).
 *
 * @public
 */
export function getCostAndUsageInput(
  query: TagGroupQuery,
  period: { start: string; end: string },
): GetCostAndUsageCommandInput {
  const filter = tagFilterExpression(query.filterTags);
  return {
    TimePeriod: { Start: period.start, End: period.end },
    Granularity: 'DAILY',
    Metrics: [query.metric],
    GroupBy: [{ Type: 'TAG', Key: query.groupByTagKey }],
    ...(filter ? { Filter: filter } : {}),
  };
}

/** Identifies a query's results in the cache, whatever the order of its filter tags. */
export function cacheKeyOf(query: TagGroupQuery): string {
  const filterTags = [...query.filterTags].sort((a, b) =>
    a.key < b.key ? -1 : 1,
  );
  return JSON.stringify([query.metric, query.groupByTagKey, filterTags]);
}

/** A query in words, for logs and errors. */
export function describeQuery(query: TagGroupQuery): string {
  const filter = query.filterTags.map(t => `${t.key}=${t.value}`).join(',');
  return `${query.metric} by tag ${query.groupByTagKey}${
    filter ? ` where ${filter}` : ''
  }`;
}
