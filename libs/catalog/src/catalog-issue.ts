import { TelemetryError } from '@telemetry/contracts';

/**
 * One problem found in a catalog. `metric` and `field` are null when the problem is not about one
 * (a YAML syntax error); `line` is null when the definition did not come from a file (GraphQL, DB).
 */
export interface CatalogIssue {
  readonly metric: string | null;
  readonly field: string | null;
  readonly line: number | null;
  readonly message: string;
}

/** "metrics.yaml:12: checkout.latency.expires: must be a date YYYY-MM-DD or never". */
export const formatCatalogIssue = (issue: CatalogIssue, source = 'metrics.yaml'): string => {
  const where = issue.line === null ? source : `${source}:${issue.line}`;
  const what = [issue.metric, issue.field].filter((part) => part !== null).join('.');
  return what ? `${where}: ${what}: ${issue.message}` : `${where}: ${issue.message}`;
};

/** Thrown by `parseCatalogOrThrow`; permanent: the catalog must be fixed, retrying will not help. */
export class CatalogValidationError extends TelemetryError<'catalog_invalid'> {
  constructor(
    readonly issues: readonly CatalogIssue[],
    source = 'metrics.yaml',
  ) {
    const count = `${issues.length} problem${issues.length === 1 ? '' : 's'}`;
    super('catalog_invalid', `${source} is invalid (${count}):\n${issues.map((issue) => `  ${formatCatalogIssue(issue, source)}`).join('\n')}`, false);
  }
}
