import { describeValue, InputError } from '../errors.js';

/** One problem in a document: where (a JSON path such as `solver.dtSec`), what, and what was received. */
export interface ValidationIssue {
  path: string;
  message: string;
  value?: unknown;
}

/** A scenario that does not validate: every problem found, each with its path. */
export class ScenarioError extends InputError {
  override name = 'ScenarioError';
  constructor(readonly issues: ValidationIssue[]) {
    super(
      issues.length === 1
        ? formatIssue(issues[0])
        : `scenario has ${issues.length} problems:\n${issues.map((i) => `  - ${formatIssue(i)}`).join('\n')}`,
      issues[0]?.path,
      issues[0]?.value,
    );
  }
}

export function formatIssue(issue: ValidationIssue): string {
  const got = 'value' in issue ? `, got ${describeValue(issue.value)}` : '';
  return `${issue.path || 'scenario'} ${issue.message}${got}`;
}
