import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { AddressInfo } from 'node:net';

/** Static test credentials the server accepts (SigV4 `Credential=` key id). */
export const TEST_ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
export const TEST_SECRET_ACCESS_KEY =
  'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

/** One resource's cost on one UTC day, with its cost-allocation tags. */
export interface CostLineItem {
  date: string;
  tags: Record<string, string>;
  /** Per metric, e.g. `{ UnblendedCost: 12.5, AmortizedCost: 11 }`. */
  amounts: Record<string, number>;
}

/** A GetCostAndUsage request as the server received it. */
export interface RecordedCostExplorerRequest {
  headers: http.IncomingHttpHeaders;
  body: GetCostAndUsageBody;
}

interface TagValuesBody {
  Key?: string;
  Values?: string[];
  MatchOptions?: string[];
}

interface ExpressionBody {
  And?: ExpressionBody[];
  Or?: ExpressionBody[];
  Not?: ExpressionBody;
  Tags?: TagValuesBody;
  Dimensions?: { Key?: string; Values?: string[] };
}

/** The JSON body of `AWSInsightsIndexService.GetCostAndUsage`. */
export interface GetCostAndUsageBody {
  TimePeriod?: { Start?: string; End?: string };
  Granularity?: string;
  Metrics?: string[];
  GroupBy?: Array<{ Type?: string; Key?: string }>;
  Filter?: ExpressionBody;
  NextPageToken?: string;
}

interface MetricValueBody {
  Amount: string;
  Unit: string;
}

interface ResultByTimeBody {
  TimePeriod: { Start: string; End: string };
  Total: Record<string, MetricValueBody>;
  Groups: Array<{ Keys: string[]; Metrics: Record<string, MetricValueBody> }>;
  Estimated: boolean;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const nextDay = (day: string) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
const formatAmount = (amount: number) =>
  String(Math.round(amount * 1e10) / 1e10);

class ValidationError extends Error {}

function matches(
  expression: ExpressionBody,
  tags: Record<string, string>,
): boolean {
  const kinds = ['And', 'Or', 'Not', 'Tags', 'Dimensions'].filter(
    kind => expression[kind as keyof ExpressionBody] !== undefined,
  );
  if (kinds.length !== 1) {
    // What Cost Explorer answers for an Expression with several (or no) operands.
    throw new ValidationError(
      'Expression must have exactly one of And, Or, Not, Dimensions, Tags, CostCategories',
    );
  }
  if (expression.And) {
    if (expression.And.length < 2) {
      throw new ValidationError('And must have at least 2 expressions');
    }
    return expression.And.every(e => matches(e, tags));
  }
  if (expression.Or) {
    return expression.Or.some(e => matches(e, tags));
  }
  if (expression.Not) {
    return !matches(expression.Not, tags);
  }
  if (expression.Tags) {
    const { Key, Values = [], MatchOptions = ['EQUALS'] } = expression.Tags;
    if (!Key) {
      throw new ValidationError('Tags Key is required');
    }
    if (MatchOptions.includes('ABSENT')) {
      return tags[Key] === undefined;
    }
    return tags[Key] !== undefined && Values.includes(tags[Key]);
  }
  throw new ValidationError('Only tag filters are supported by this server');
}

/**
 * A local server speaking the part of AWS Cost Explorer's JSON 1.1 protocol
 * the module uses: `POST /` with `X-Amz-Target:
 * AWSInsightsIndexService.GetCostAndUsage`, `Content-Type:
 * application/x-amz-json-1.1` and a SigV4 `Authorization` header for the
 * `ce` service. It answers DAILY results shaped like the API reference
 * (`GroupDefinitions`, `ResultsByTime[].TimePeriod/Total/Groups/Estimated`,
 * `DimensionValueAttributes`, `NextPageToken`), grouping by one TAG key as
 * `key$value` (`key$` for untagged cost), filtering by `Tags` / `And` /
 * `Or` / `Not`, paging after `pageSize` groups, and errors as
 * `{"__type": "com.amazonaws.ce#…", "message": …}` with HTTP 400.
 */
export async function startCostExplorer(
  options: {
    items?: CostLineItem[];
    /** Days on or after this one are `Estimated: true`. */
    estimatedFrom?: string;
    /** Groups (or empty days) per page. */
    pageSize?: number;
    accessKeyId?: string;
    /** The currency of every amount; default `USD`. */
    unit?: string;
  } = {},
) {
  const state = {
    items: options.items ?? [],
    estimatedFrom: options.estimatedFrom,
    pageSize: options.pageSize ?? 1000,
  };
  const accessKeyId = options.accessKeyId ?? TEST_ACCESS_KEY_ID;
  const requests: RecordedCostExplorerRequest[] = [];
  const errors: Array<{ status: number; type: string; message: string }> = [];

  function getCostAndUsage(body: GetCostAndUsageBody) {
    const start = body.TimePeriod?.Start ?? '';
    const end = body.TimePeriod?.End ?? '';
    if (
      !/^\d{4}-\d{2}-\d{2}$/.test(start) ||
      !/^\d{4}-\d{2}-\d{2}$/.test(end)
    ) {
      throw new ValidationError(
        'Start and End must be valid dates (yyyy-MM-dd)',
      );
    }
    if (start >= end) {
      throw new ValidationError(
        'Start date (inclusive) must be before end date (exclusive)',
      );
    }
    if (body.Granularity !== 'DAILY') {
      throw new ValidationError('This server answers DAILY granularity only');
    }
    const metrics = body.Metrics ?? [];
    if (metrics.length === 0) {
      throw new ValidationError('Metrics is required');
    }
    const groupBy = body.GroupBy ?? [];
    if (groupBy.length > 1 || groupBy.some(g => g.Type !== 'TAG' || !g.Key)) {
      throw new ValidationError('This server groups by one TAG key only');
    }
    const groupKey = groupBy[0]?.Key;
    const unit = options.unit ?? 'USD';

    // One entry per (day, group), or per day without groups, in order.
    type Entry = {
      day: string;
      estimated: boolean;
      group?: string;
      sums?: Record<string, number>;
    };
    const entries: Entry[] = [];
    for (let day = start; day < end; day = nextDay(day)) {
      const estimated =
        state.estimatedFrom !== undefined && day >= state.estimatedFrom;
      const dayItems = state.items.filter(
        item =>
          item.date === day &&
          (!body.Filter || matches(body.Filter, item.tags)),
      );
      if (!groupKey) {
        const sums: Record<string, number> = {};
        for (const metric of metrics) {
          sums[metric] = dayItems.reduce(
            (s, i) => s + (i.amounts[metric] ?? 0),
            0,
          );
        }
        entries.push({ day, estimated, sums });
        continue;
      }
      const groups = new Map<string, Record<string, number>>();
      for (const item of dayItems) {
        const key = `${groupKey}$${item.tags[groupKey] ?? ''}`;
        const sums = groups.get(key) ?? {};
        for (const metric of metrics) {
          sums[metric] = (sums[metric] ?? 0) + (item.amounts[metric] ?? 0);
        }
        groups.set(key, sums);
      }
      if (groups.size === 0) {
        entries.push({ day, estimated });
      }
      for (const [group, sums] of [...groups].sort(([a], [b]) =>
        a < b ? -1 : 1,
      )) {
        entries.push({ day, estimated, group, sums });
      }
    }

    const offset = body.NextPageToken
      ? Number(
          Buffer.from(body.NextPageToken, 'base64')
            .toString('utf8')
            .split(':')[1],
        )
      : 0;
    if (!Number.isInteger(offset) || offset < 0 || offset > entries.length) {
      throw Object.assign(new ValidationError('Invalid NextPageToken'), {
        type: 'InvalidNextTokenException',
      });
    }
    const page = entries.slice(offset, offset + state.pageSize);
    const toMetrics = (
      sums: Record<string, number> = {},
    ): Record<string, MetricValueBody> =>
      Object.fromEntries(
        metrics.map(metric => [
          metric,
          { Amount: formatAmount(sums[metric] ?? 0), Unit: unit },
        ]),
      );
    const resultsByTime: ResultByTimeBody[] = [];
    for (const entry of page) {
      let result = resultsByTime[resultsByTime.length - 1];
      if (!result || result.TimePeriod.Start !== entry.day) {
        result = {
          TimePeriod: { Start: entry.day, End: nextDay(entry.day) },
          Total: groupKey ? {} : toMetrics(entry.sums),
          Groups: [],
          Estimated: entry.estimated,
        };
        resultsByTime.push(result);
      }
      if (entry.group) {
        result.Groups.push({
          Keys: [entry.group],
          Metrics: toMetrics(entry.sums),
        });
      }
    }
    const nextOffset = offset + page.length;
    return {
      ...(groupKey
        ? { GroupDefinitions: [{ Type: 'TAG', Key: groupKey }] }
        : {}),
      ResultsByTime: resultsByTime,
      DimensionValueAttributes: [],
      ...(nextOffset < entries.length
        ? {
            NextPageToken: Buffer.from(
              `${randomUUID()}:${nextOffset}`,
            ).toString('base64'),
          }
        : {}),
    };
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', chunk => chunks.push(chunk));
    req.on('end', () => {
      const send = (status: number, body: unknown) => {
        res.writeHead(status, {
          'Content-Type': 'application/x-amz-json-1.1',
          'x-amzn-RequestId': randomUUID(),
        });
        res.end(JSON.stringify(body));
      };
      const fail = (status: number, type: string, message: string) =>
        send(status, { __type: type, message });

      let body: GetCostAndUsageBody = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      } catch {
        fail(
          400,
          'com.amazon.coral.service#SerializationException',
          'Malformed JSON',
        );
        return;
      }
      requests.push({ headers: req.headers, body });

      const authorization = String(req.headers.authorization ?? '');
      if (
        !authorization.startsWith(
          `AWS4-HMAC-SHA256 Credential=${accessKeyId}/`,
        ) ||
        !/\/us-east-1\/ce\/aws4_request,/.test(authorization) ||
        !req.headers['x-amz-date']
      ) {
        fail(
          400,
          'com.amazon.coral.service#UnrecognizedClientException',
          'The security token included in the request is invalid.',
        );
        return;
      }
      if (
        req.method !== 'POST' ||
        req.url !== '/' ||
        req.headers['content-type'] !== 'application/x-amz-json-1.1'
      ) {
        fail(
          404,
          'com.amazon.coral.service#UnknownOperationException',
          'Not found',
        );
        return;
      }
      if (
        req.headers['x-amz-target'] !==
        'AWSInsightsIndexService.GetCostAndUsage'
      ) {
        fail(
          400,
          'com.amazon.coral.service#UnknownOperationException',
          `Unknown operation ${req.headers['x-amz-target']}`,
        );
        return;
      }
      const queued = errors.shift();
      if (queued) {
        fail(queued.status, queued.type, queued.message);
        return;
      }
      try {
        send(200, getCostAndUsage(body));
      } catch (error) {
        if (error instanceof ValidationError) {
          const type =
            (error as { type?: string }).type ?? 'ValidationException';
          fail(400, `com.amazonaws.ce#${type}`, error.message);
          return;
        }
        fail(500, 'com.amazonaws.ce#InternalServerError', String(error));
      }
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    state,
    /** Answers the next request with `{"__type":"com.amazonaws.ce#<type>"}`. */
    queueError(type: string, message: string, status = 400) {
      errors.push({ status, type: `com.amazonaws.ce#${type}`, message });
    },
    close: () => new Promise<void>(resolve => server.close(() => resolve())),
  };
}

/** A running {@link startCostExplorer} server. */
export type LocalCostExplorer = Awaited<ReturnType<typeof startCostExplorer>>;
