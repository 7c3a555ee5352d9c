import { InputError } from '@backstage/errors';
import {
  FINDING_SEVERITIES,
  FindingSeverity,
  ReportFinding,
} from '@release-coordinator/backstage-plugin-common';
import { parseJson } from './coverage';

/** Findings of a scanner: SARIF, Trivy or Grype (docs/evidence.md#findings). */
export interface FindingsReport {
  /** Name of the tool, e.g. `CodeQL`, `gitleaks`, `Trivy`, `grype`. */
  tool: string;
  counts: Record<FindingSeverity, number>;
  /** All findings, most severe first. */
  findings: ReportFinding[];
  /** Digests of the scanned image (`sha256:…`), for image scans. */
  digests?: string[];
  /** Name of the scanned image, when the report gives one. */
  image?: string;
  /** Commits the report says it scanned (SARIF `versionControlProvenance`). */
  commits?: string[];
}

/** Rank of a severity: 0 for critical … 4 for none. */
export function severityRank(severity: FindingSeverity): number {
  return FINDING_SEVERITIES.indexOf(severity);
}

function emptyCounts(): Record<FindingSeverity, number> {
  return { critical: 0, high: 0, medium: 0, low: 0, none: 0 };
}

function summarize(
  tool: string,
  findings: ReportFinding[],
  extra: Pick<FindingsReport, 'digests' | 'image' | 'commits'> = {},
): FindingsReport {
  const counts = emptyCounts();
  for (const f of findings) {
    counts[f.severity] += 1;
  }
  const sorted = findings
    .map((f, i) => ({ f, i }))
    .sort(
      (a, b) =>
        severityRank(a.f.severity) - severityRank(b.f.severity) || a.i - b.i,
    )
    .map(({ f }) => f);
  return { tool, counts, findings: sorted, ...extra };
}

/**
 * Severity from a CVSS-like `security-severity` score, as GitHub code
 * scanning reads it: ≥ 9 critical, ≥ 7 high, ≥ 4 medium, > 0 low.
 */
export function severityFromScore(score: number): FindingSeverity {
  if (score >= 9) return 'critical';
  if (score >= 7) return 'high';
  if (score >= 4) return 'medium';
  if (score > 0) return 'low';
  return 'none';
}

/** Severity of a SARIF `level` without a score: error → high, warning → medium, note → low. */
function severityFromLevel(level: string): FindingSeverity {
  switch (level) {
    case 'error':
      return 'high';
    case 'warning':
      return 'medium';
    case 'note':
      return 'low';
    default:
      return 'none';
  }
}

const SARIF_LEVELS = ['none', 'note', 'warning', 'error'];

/** A vendor severity word (Trivy, Grype) as a {@link FindingSeverity}. */
export function severityFromWord(
  word: unknown,
  field: string,
  format: string,
): FindingSeverity {
  const w = String(word ?? '').toLowerCase();
  if ((FINDING_SEVERITIES as readonly string[]).includes(w)) {
    return w as FindingSeverity;
  }
  if (w === 'negligible' || w === 'unknown' || w === 'info') {
    return 'none';
  }
  throw new InputError(
    `Malformed ${format} report: ${field} is '${String(
      word,
    )}', expected critical, high, medium, low, negligible or unknown`,
  );
}

function text(value: unknown, max = 300): string {
  const s = String(value ?? '')
    .replace(/\s+/g, ' ')
    .trim();
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/**
 * Reads a SARIF 2.1.0 log: every result of every run, its severity from the
 * rule's (or result's) `security-severity` property where present, else
 * from its `level` (the result's, the rule's default, or `warning`).
 */
export function parseSarif(body: string): FindingsReport {
  const F = 'SARIF';
  const doc = parseJson(body, F);
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new InputError(`Malformed ${F} report: expected a JSON object`);
  }
  if (doc.version !== '2.1.0') {
    throw new InputError(
      `Malformed ${F} report: version is '${String(
        doc.version,
      )}', expected '2.1.0'`,
    );
  }
  if (!Array.isArray(doc.runs)) {
    throw new InputError(`Malformed ${F} report: runs must be an array`);
  }
  const findings: ReportFinding[] = [];
  const tools = new Set<string>();
  const commits = new Set<string>();
  doc.runs.forEach((run: any, r: number) => {
    for (const vcs of Array.isArray(run?.versionControlProvenance)
      ? run.versionControlProvenance
      : []) {
      if (typeof vcs?.revisionId === 'string' && vcs.revisionId) {
        commits.add(vcs.revisionId.toLowerCase());
      }
    }
    const driver = run?.tool?.driver;
    if (!driver || typeof driver.name !== 'string') {
      throw new InputError(
        `Malformed ${F} report: runs[${r}].tool.driver.name is missing`,
      );
    }
    tools.add(driver.name);
    const rules: any[] = Array.isArray(driver.rules) ? driver.rules : [];
    const results = run.results ?? [];
    if (!Array.isArray(results)) {
      throw new InputError(
        `Malformed ${F} report: runs[${r}].results must be an array`,
      );
    }
    results.forEach((result: any, i: number) => {
      const field = `runs[${r}].results[${i}]`;
      if (!result || typeof result !== 'object') {
        throw new InputError(
          `Malformed ${F} report: ${field} must be an object`,
        );
      }
      const rule =
        (typeof result.ruleIndex === 'number' && rules[result.ruleIndex]) ||
        rules.find(x => x?.id === result.ruleId) ||
        undefined;
      const ruleId = String(result.ruleId ?? rule?.id ?? 'unknown-rule');
      const level =
        result.level ?? rule?.defaultConfiguration?.level ?? 'warning';
      if (!SARIF_LEVELS.includes(level)) {
        throw new InputError(
          `Malformed ${F} report: ${field}.level is '${String(
            level,
          )}', expected none, note, warning or error`,
        );
      }
      if (result.kind && result.kind !== 'fail' && result.kind !== 'open') {
        return; // pass, review, informational, notApplicable: not a finding
      }
      if (
        Array.isArray(result.suppressions) &&
        result.suppressions.length > 0
      ) {
        return; // suppressed in source or by the tool
      }
      const rawScore =
        result.properties?.['security-severity'] ??
        rule?.properties?.['security-severity'];
      let severity = severityFromLevel(level);
      if (rawScore !== undefined) {
        const score = Number(rawScore);
        if (!Number.isFinite(score) || score < 0 || score > 10) {
          throw new InputError(
            `Malformed ${F} report: ${field} security-severity is '${String(
              rawScore,
            )}', expected a number from 0 to 10`,
          );
        }
        severity = severityFromScore(score);
      }
      const physical = result.locations?.[0]?.physicalLocation;
      const uri = physical?.artifactLocation?.uri;
      const line = physical?.region?.startLine;
      findings.push({
        ruleId,
        severity,
        ...(uri && { location: line ? `${uri}:${line}` : String(uri) }),
        message: text(
          result.message?.text ?? rule?.shortDescription?.text ?? ruleId,
        ),
      });
    });
  });
  return summarize([...tools].join(', ') || 'unknown', findings, {
    ...(commits.size > 0 && { commits: [...commits] }),
  });
}

function digestsOf(values: unknown[]): string[] {
  const out = new Set<string>();
  for (const v of values) {
    if (typeof v !== 'string') continue;
    const at = v.lastIndexOf('@');
    const d = at >= 0 ? v.slice(at + 1) : v;
    if (/^sha256:[0-9a-f]{64}$/i.test(d)) out.add(d.toLowerCase());
  }
  return [...out];
}

/**
 * Reads a Trivy JSON report (`trivy image --format json`, schema version
 * 2): vulnerabilities of every result, and the image's repo digests.
 */
export function parseTrivy(body: string): FindingsReport {
  const F = 'Trivy JSON';
  const doc = parseJson(body, F);
  if (!doc || typeof doc !== 'object' || !('SchemaVersion' in doc)) {
    throw new InputError(`Malformed ${F} report: SchemaVersion is missing`);
  }
  const results = doc.Results ?? [];
  if (!Array.isArray(results)) {
    throw new InputError(`Malformed ${F} report: Results must be an array`);
  }
  const findings: ReportFinding[] = [];
  results.forEach((result: any, r: number) => {
    const vulns = result?.Vulnerabilities ?? [];
    if (!Array.isArray(vulns)) {
      throw new InputError(
        `Malformed ${F} report: Results[${r}].Vulnerabilities must be an array`,
      );
    }
    vulns.forEach((v: any, i: number) => {
      const field = `Results[${r}].Vulnerabilities[${i}]`;
      if (typeof v?.VulnerabilityID !== 'string') {
        throw new InputError(
          `Malformed ${F} report: ${field}.VulnerabilityID is missing`,
        );
      }
      findings.push({
        ruleId: v.VulnerabilityID,
        severity: severityFromWord(v.Severity, `${field}.Severity`, F),
        location: `${v.PkgName ?? '?'}@${v.InstalledVersion ?? '?'}`,
        message: text(v.Title ?? v.Description ?? v.VulnerabilityID),
      });
    });
  });
  return summarize('Trivy', findings, {
    digests: digestsOf(doc.Metadata?.RepoDigests ?? []),
    ...(typeof doc.ArtifactName === 'string' && { image: doc.ArtifactName }),
  });
}

/**
 * Reads a Grype JSON report (`grype -o json`): `matches[].vulnerability`,
 * and the image digests of `source.target`.
 */
export function parseGrype(body: string): FindingsReport {
  const F = 'Grype JSON';
  const doc = parseJson(body, F);
  if (!doc || typeof doc !== 'object' || !Array.isArray(doc.matches)) {
    throw new InputError(`Malformed ${F} report: matches must be an array`);
  }
  const findings = doc.matches.map((m: any, i: number): ReportFinding => {
    const field = `matches[${i}].vulnerability`;
    if (typeof m?.vulnerability?.id !== 'string') {
      throw new InputError(`Malformed ${F} report: ${field}.id is missing`);
    }
    return {
      ruleId: m.vulnerability.id,
      severity: severityFromWord(
        m.vulnerability.severity,
        `${field}.severity`,
        F,
      ),
      location: `${m.artifact?.name ?? '?'}@${m.artifact?.version ?? '?'}`,
      message: text(m.vulnerability.description ?? m.vulnerability.id),
    };
  });
  const target = doc.source?.target ?? {};
  return summarize('grype', findings, {
    digests: digestsOf([target.manifestDigest, ...(target.repoDigests ?? [])]),
    ...(typeof target.userInput === 'string' && { image: target.userInput }),
  });
}
