import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import {
  ChecklistItem,
  EvidenceReport,
} from '@release-coordinator/backstage-plugin-common';
import { useState } from 'react';

/** The report flag of the CLI (`release-coordinator evidence push`) per item. */
const FEEDS: Record<string, { report: string; flag: string }> = {
  'tests-passing': {
    report: 'a JUnit XML report',
    flag: "--junit 'reports/*.xml'",
  },
  'code-coverage': {
    report:
      'a coverage report (LCOV, Cobertura, coverage-summary.json, JaCoCo)',
    flag: '--coverage coverage/lcov.info',
  },
  'security-scan': {
    report: 'a SARIF report of a code scanner',
    flag: '--sarif codeql.sarif',
  },
  'secrets-not-exposed': {
    report: 'a SARIF report of a secret scanner (e.g. gitleaks)',
    flag: '--sarif gitleaks.sarif',
  },
  'image-scanned': {
    report: "a Trivy or Grype JSON report of the release's image",
    flag: '--image-scan trivy.json',
  },
};

/**
 * What feeds an automatic item that has no evidence yet: the CLI command,
 * the reports route, or a GitHub check run mapped to it (docs/evidence.md).
 */
export function EvidenceHint(props: {
  item: ChecklistItem;
  releaseId?: string;
}) {
  const { item } = props;
  const feed = FEEDS[item.id];
  if (item.kind !== 'automatic' || item.evidence || item.status !== 'pending') {
    return null;
  }
  const release = props.releaseId ?? '<release id>';
  return (
    <Typography
      variant="body2"
      color="textSecondary"
      data-testid="evidence-hint"
    >
      {feed ? (
        <>
          Waiting for {feed.report}: run{' '}
          <code>
            release-coordinator evidence push --release {release} {feed.flag}
          </code>{' '}
          in CI, or POST the file to{' '}
          <code>/api/release-coordinator/releases/{release}/reports</code>. A
          GitHub check run mapped to <code>{item.id}</code> also sets it.
        </>
      ) : (
        <>
          Waiting for evidence: POST it to{' '}
          <code>/api/release-coordinator/releases/{release}/evidence</code>.
        </>
      )}
    </Typography>
  );
}

function summary(report: EvidenceReport): string {
  switch (report.type) {
    case 'tests': {
      const t = report.totals;
      const broken = t.failures + t.errors;
      return `${t.tests} tests: ${
        t.tests - broken - t.skipped
      } passed, ${broken} failed, ${t.skipped} skipped`;
    }
    case 'coverage':
      return `Lines ${report.linePct}%${
        report.branchPct !== undefined ? `, branches ${report.branchPct}%` : ''
      } (threshold ${report.threshold}%)`;
    default: {
      const counts = Object.entries(report.counts)
        .filter(([, n]) => n > 0)
        .map(([severity, n]) => `${n} ${severity}`);
      return `${report.tool}: ${
        counts.length > 0 ? counts.join(', ') : 'no findings'
      } (fails at ${report.failAt} or above)`;
    }
  }
}

function Details(props: { report: EvidenceReport }) {
  const { report } = props;
  if (report.type === 'tests') {
    return (
      <Box component="ul" m={0} pl={3}>
        {report.kinds &&
          Object.entries(report.kinds).map(([kind, t]) => (
            <li key={`kind-${kind}`}>
              {kind}: {t.tests} tests, {t.failures + t.errors} failed
            </li>
          ))}
        {report.missingKinds?.map(kind => (
          <li key={`missing-${kind}`}>{kind}: no report yet</li>
        ))}
        {report.failingSuites.map(s => (
          <li key={`suite-${s.name}`}>
            Failing: {s.name} ({s.failures + s.errors} of {s.tests})
          </li>
        ))}
      </Box>
    );
  }
  if (report.type === 'findings') {
    return (
      <Box component="ul" m={0} pl={3}>
        {report.artifactDigest && <li>Image {report.artifactDigest}</li>}
        {report.top.map((f, i) => (
          <li key={`${f.ruleId}-${i}`}>
            [{f.severity}] {f.ruleId}
            {f.location && <> at {f.location}</>}: {f.message}
          </li>
        ))}
      </Box>
    );
  }
  return null;
}

/** Counts or % of an uploaded report; failing suites / top findings on expand. */
export function EvidenceReportView(props: { report: EvidenceReport }) {
  const { report } = props;
  const [open, setOpen] = useState(false);
  const expandable =
    (report.type === 'tests' &&
      (report.failingSuites.length > 0 ||
        !!report.kinds ||
        !!report.missingKinds)) ||
    (report.type === 'findings' && report.top.length > 0);
  return (
    <Box data-testid="evidence-report">
      <Typography variant="body2">
        {summary(report)}
        {expandable && (
          <Button size="small" onClick={() => setOpen(!open)}>
            {open ? 'Hide details' : 'Show details'}
          </Button>
        )}
      </Typography>
      {open && <Details report={report} />}
    </Box>
  );
}
