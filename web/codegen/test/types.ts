// Compile-time checks of the generated types, run by `npm run typecheck`
// (tsc --strict): each line fails to compile when the codegen configuration
// stops giving the frontend what it relies on.
import { useFragment } from '../generated';
import {
  DashboardBatchFragmentDoc,
  type BatchStatus,
  type DashboardBatchFragment,
  type NeedsAttentionQuery,
  type TeacherDashboardQuery,
} from '../generated/graphql';

// Exact type equality: `any` or `unknown` in place of `string` is not equal.
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

// DateTime is mapped to string (strict scalars), nullable where the schema says so.
export const createdAtIsString: Equal<DashboardBatchFragment['createdAt'], string> = true;
export const completedAtIsNullableString: Equal<DashboardBatchFragment['completedAt'], string | null> = true;
type AttentionItem = NonNullable<NonNullable<NeedsAttentionQuery['viewer']>['needsAttention']>['items'][number];
export const deadlineIsNullableString: Equal<AttentionItem['deadline'], string | null> = true;

// Enums are unions of string literals: a plain literal is assignable (it would
// not be to a TypeScript enum), and a misspelt one is not.
export const processing: BatchStatus = 'PROCESSING';
// @ts-expect-error not a BatchStatus
export const misspelt: BatchStatus = 'PROCESSED';

// Fragment masking: a row of the dashboard page is read through its fragment.
export function rowTitles(data: TeacherDashboardQuery): string[] {
  return (data.viewer?.batches?.nodes ?? []).map((node) => useFragment(DashboardBatchFragmentDoc, node).title);
}
