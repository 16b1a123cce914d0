/** What to show for a failed call: the problem's detail and its per-field messages. */
import { ApiProblem } from "@fieldcrm/client";

export interface Shown {
  message: string;
  fields: Record<string, string>;
}

export function shown(failure: unknown): Shown {
  if (failure instanceof ApiProblem) {
    return { message: failure.problem.detail, fields: failure.fieldErrors() };
  }
  return { message: failure instanceof Error ? failure.message : String(failure), fields: {} };
}
