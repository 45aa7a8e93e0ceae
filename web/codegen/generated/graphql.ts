/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** Why a batch needs the teacher. */
export type AttentionReason =
  /**
   * Student matching found essays it could not match with confidence: the
   * teacher confirms them before the deadline, else they are confirmed as
   * matched.
   */
  | 'CONFIRM_STUDENT_MATCHES'
  /** The batch failed (`FAILED`): see `Batch.statusDetail` for how. */
  | 'FAILED';

/** Where a batch is in its life. */
export type BatchStatus =
  /** The batch was cancelled. */
  | 'CANCELLED'
  /** Every essay was processed. */
  | 'COMPLETED_SUCCESSFULLY'
  /** Processing finished, but some essays failed. */
  | 'COMPLETED_WITH_FAILURES'
  /** The batch could not be processed. */
  | 'FAILED'
  /** Uploaded; the content is being validated or the pipeline is not configured yet. */
  | 'PENDING_CONTENT'
  /** The pipeline is running, or student matching is in progress. */
  | 'PROCESSING'
  /** Ready for the pipeline to start. */
  | 'READY';

/**
 * The result aggregator's internal batch statuses (the upstream contract's
 * table), each under the `BatchStatus` it belongs to.
 */
export type BatchStatusDetail =
  /** `PENDING_CONTENT`: the uploaded content is being validated. */
  | 'AWAITING_CONTENT_VALIDATION'
  /** `PENDING_CONTENT`: the teacher has not configured the pipeline yet. */
  | 'AWAITING_PIPELINE_CONFIGURATION'
  /** `PROCESSING`: student matches wait for the teacher's confirmation. */
  | 'AWAITING_STUDENT_VALIDATION'
  /** `CANCELLED`. */
  | 'CANCELLED'
  /** `COMPLETED_SUCCESSFULLY`. */
  | 'COMPLETED_SUCCESSFULLY'
  /** `COMPLETED_WITH_FAILURES`. */
  | 'COMPLETED_WITH_FAILURES'
  /** `FAILED`: the uploaded content could not be read. */
  | 'CONTENT_INGESTION_FAILED'
  /** `FAILED`: processing failed as a whole. */
  | 'FAILED_CRITICALLY'
  /** `PROCESSING`: a batch without a class is ready; the pipeline starts next. */
  | 'GUEST_CLASS_READY'
  /** `PROCESSING`: the pipeline runs; `processingPhase` tells the step. */
  | 'PROCESSING_PIPELINES'
  /** `READY`: ready for the pipeline to start. */
  | 'READY_FOR_PIPELINE_EXECUTION'
  /** `PROCESSING`: the teacher confirmed the student matches; the pipeline starts next. */
  | 'STUDENT_VALIDATION_COMPLETED'
  /** `PROCESSING`: the matches were confirmed automatically at the deadline; the pipeline starts next. */
  | 'VALIDATION_TIMEOUT_PROCESSED';

/** A step of the processing pipeline. */
export type ProcessingPhase =
  /** Writing feedback on the essays. */
  | 'AI_FEEDBACK'
  /** Ranking the essays by comparative judgement. */
  | 'CJ_ASSESSMENT'
  /** Linguistic analysis of the essays. */
  | 'NLP'
  /** Spell checking the essays. */
  | 'SPELLCHECK'
  /** Matching essays to the students of the class. */
  | 'STUDENT_MATCHING';

export type BatchDetailQueryVariables = Exact<{
  id: string | number;
}>;


export type BatchDetailQuery = { batch: (
    { essays: Array<{ id: string, filename: string, spellcheckStatus: string | null, cjAssessmentStatus: string | null, cjRank: number | null, cjScore: number | null }> | null }
    & { ' $fragmentRefs'?: { 'DashboardBatchFragment': DashboardBatchFragment } }
  ) | null };

export type BatchPageQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
  status?: BatchStatus | null | undefined;
}>;


export type BatchPageQuery = { viewer: { id: string, batches: { totalCount: number, edges: Array<{ cursor: string, node: (
          { statusDetail: BatchStatusDetail | null }
          & { ' $fragmentRefs'?: { 'DashboardBatchFragment': DashboardBatchFragment } }
        ) }>, pageInfo: { hasNextPage: boolean, hasPreviousPage: boolean, startCursor: string | null, endCursor: string | null } } | null } | null };

export type BatchUpdatesSubscriptionVariables = Exact<{
  batchIds?: Array<string | number> | string | number | null | undefined;
}>;


export type BatchUpdatesSubscription = { batchStatusChanged: { id: string, status: BatchStatus, processingPhase: ProcessingPhase | null, totalEssays: number, completedEssays: number, failedEssays: number, completedAt: string | null, class: { id: string, name: string } | null } };

export type DashboardBatchFragment = { id: string, title: string, status: BatchStatus, processingPhase: ProcessingPhase | null, totalEssays: number, completedEssays: number, failedEssays: number, createdAt: string, completedAt: string | null, class: { id: string, name: string } | null, validation: { deviationCount: number, autoConfirmDeadline: string | null, totalAssociations: number, confirmedAssociations: number } | null } & { ' $fragmentName'?: 'DashboardBatchFragment' };

export type DashboardChangesSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type DashboardChangesSubscription = { dashboardChanged: { previousStatus: BatchStatus | null, tabChanged: boolean, batch: { id: string, title: string, status: BatchStatus, statusDetail: BatchStatusDetail | null, processingPhase: ProcessingPhase | null, completedEssays: number, failedEssays: number }, attention: { reason: AttentionReason, deadline: string | null } | null, counts: { all: number, pendingContent: number, ready: number, processing: number, completedSuccessfully: number, completedWithFailures: number, failed: number, cancelled: number } | null } };

export type DashboardSectionsQueryVariables = Exact<{ [key: string]: never; }>;


export type DashboardSectionsQuery = { viewer: { id: string, processing: { totalCount: number, nodes: Array<{ ' $fragmentRefs'?: { 'DashboardBatchFragment': DashboardBatchFragment } }> } | null, withFailures: { totalCount: number, nodes: Array<{ ' $fragmentRefs'?: { 'DashboardBatchFragment': DashboardBatchFragment } }> } | null, done: { totalCount: number, nodes: Array<{ ' $fragmentRefs'?: { 'DashboardBatchFragment': DashboardBatchFragment } }> } | null } | null };

export type NeedsAttentionQueryVariables = Exact<{
  first?: number | null | undefined;
}>;


export type NeedsAttentionQuery = { viewer: { id: string, needsAttention: { totalCount: number, complete: boolean, items: Array<{ reason: AttentionReason, deadline: string | null, batch: (
          { statusDetail: BatchStatusDetail | null }
          & { ' $fragmentRefs'?: { 'DashboardBatchFragment': DashboardBatchFragment } }
        ) }> } | null } | null };

export type TabCountsQueryVariables = Exact<{ [key: string]: never; }>;


export type TabCountsQuery = { viewer: { id: string, batchCounts: { all: number, pendingContent: number, ready: number, processing: number, completedSuccessfully: number, completedWithFailures: number, failed: number, cancelled: number } | null } | null };

export type TeacherDashboardQueryVariables = Exact<{
  limit?: number | null | undefined;
  offset?: number | null | undefined;
  status?: BatchStatus | null | undefined;
}>;


export type TeacherDashboardQuery = { viewer: { id: string, credits: { userBalance: number, orgBalance: number | null, orgId: string | null } | null, batches: { totalCount: number, limit: number, offset: number, hasNextPage: boolean, nodes: Array<{ ' $fragmentRefs'?: { 'DashboardBatchFragment': DashboardBatchFragment } }> } | null } | null };

export const DashboardBatchFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"DashboardBatch"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Batch"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"processingPhase"}},{"kind":"Field","name":{"kind":"Name","value":"totalEssays"}},{"kind":"Field","name":{"kind":"Name","value":"completedEssays"}},{"kind":"Field","name":{"kind":"Name","value":"failedEssays"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"completedAt"}},{"kind":"Field","name":{"kind":"Name","value":"class"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"validation"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deviationCount"}},{"kind":"Field","name":{"kind":"Name","value":"autoConfirmDeadline"}},{"kind":"Field","name":{"kind":"Name","value":"totalAssociations"}},{"kind":"Field","name":{"kind":"Name","value":"confirmedAssociations"}}]}}]}}]} as unknown as DocumentNode<DashboardBatchFragment, unknown>;
export const BatchDetailDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"BatchDetail"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"batch"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"DashboardBatch"}},{"kind":"Field","name":{"kind":"Name","value":"essays"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"filename"}},{"kind":"Field","name":{"kind":"Name","value":"spellcheckStatus"}},{"kind":"Field","name":{"kind":"Name","value":"cjAssessmentStatus"}},{"kind":"Field","name":{"kind":"Name","value":"cjRank"}},{"kind":"Field","name":{"kind":"Name","value":"cjScore"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"DashboardBatch"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Batch"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"processingPhase"}},{"kind":"Field","name":{"kind":"Name","value":"totalEssays"}},{"kind":"Field","name":{"kind":"Name","value":"completedEssays"}},{"kind":"Field","name":{"kind":"Name","value":"failedEssays"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"completedAt"}},{"kind":"Field","name":{"kind":"Name","value":"class"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"validation"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deviationCount"}},{"kind":"Field","name":{"kind":"Name","value":"autoConfirmDeadline"}},{"kind":"Field","name":{"kind":"Name","value":"totalAssociations"}},{"kind":"Field","name":{"kind":"Name","value":"confirmedAssociations"}}]}}]}}]} as unknown as DocumentNode<BatchDetailQuery, BatchDetailQueryVariables>;
export const BatchPageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"BatchPage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}},"defaultValue":{"kind":"IntValue","value":"20"}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"status"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"BatchStatus"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"viewer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"batches"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}},{"kind":"Argument","name":{"kind":"Name","value":"status"},"value":{"kind":"Variable","name":{"kind":"Name","value":"status"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"DashboardBatch"}},{"kind":"Field","name":{"kind":"Name","value":"statusDetail"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"hasPreviousPage"}},{"kind":"Field","name":{"kind":"Name","value":"startCursor"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"DashboardBatch"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Batch"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"processingPhase"}},{"kind":"Field","name":{"kind":"Name","value":"totalEssays"}},{"kind":"Field","name":{"kind":"Name","value":"completedEssays"}},{"kind":"Field","name":{"kind":"Name","value":"failedEssays"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"completedAt"}},{"kind":"Field","name":{"kind":"Name","value":"class"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"validation"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deviationCount"}},{"kind":"Field","name":{"kind":"Name","value":"autoConfirmDeadline"}},{"kind":"Field","name":{"kind":"Name","value":"totalAssociations"}},{"kind":"Field","name":{"kind":"Name","value":"confirmedAssociations"}}]}}]}}]} as unknown as DocumentNode<BatchPageQuery, BatchPageQueryVariables>;
export const BatchUpdatesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"BatchUpdates"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"batchIds"}},"type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"batchStatusChanged"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"batchIds"},"value":{"kind":"Variable","name":{"kind":"Name","value":"batchIds"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"processingPhase"}},{"kind":"Field","name":{"kind":"Name","value":"totalEssays"}},{"kind":"Field","name":{"kind":"Name","value":"completedEssays"}},{"kind":"Field","name":{"kind":"Name","value":"failedEssays"}},{"kind":"Field","name":{"kind":"Name","value":"completedAt"}},{"kind":"Field","name":{"kind":"Name","value":"class"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]} as unknown as DocumentNode<BatchUpdatesSubscription, BatchUpdatesSubscriptionVariables>;
export const DashboardChangesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"DashboardChanges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"dashboardChanged"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"batch"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"statusDetail"}},{"kind":"Field","name":{"kind":"Name","value":"processingPhase"}},{"kind":"Field","name":{"kind":"Name","value":"completedEssays"}},{"kind":"Field","name":{"kind":"Name","value":"failedEssays"}}]}},{"kind":"Field","name":{"kind":"Name","value":"previousStatus"}},{"kind":"Field","name":{"kind":"Name","value":"tabChanged"}},{"kind":"Field","name":{"kind":"Name","value":"attention"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"deadline"}}]}},{"kind":"Field","name":{"kind":"Name","value":"counts"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"all"}},{"kind":"Field","name":{"kind":"Name","value":"pendingContent"}},{"kind":"Field","name":{"kind":"Name","value":"ready"}},{"kind":"Field","name":{"kind":"Name","value":"processing"}},{"kind":"Field","name":{"kind":"Name","value":"completedSuccessfully"}},{"kind":"Field","name":{"kind":"Name","value":"completedWithFailures"}},{"kind":"Field","name":{"kind":"Name","value":"failed"}},{"kind":"Field","name":{"kind":"Name","value":"cancelled"}}]}}]}}]}}]} as unknown as DocumentNode<DashboardChangesSubscription, DashboardChangesSubscriptionVariables>;
export const DashboardSectionsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"DashboardSections"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"viewer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","alias":{"kind":"Name","value":"processing"},"name":{"kind":"Name","value":"batches"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"status"},"value":{"kind":"EnumValue","value":"PROCESSING"}},{"kind":"Argument","name":{"kind":"Name","value":"limit"},"value":{"kind":"IntValue","value":"50"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"DashboardBatch"}}]}}]}},{"kind":"Field","alias":{"kind":"Name","value":"withFailures"},"name":{"kind":"Name","value":"batches"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"status"},"value":{"kind":"EnumValue","value":"COMPLETED_WITH_FAILURES"}},{"kind":"Argument","name":{"kind":"Name","value":"limit"},"value":{"kind":"IntValue","value":"20"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"DashboardBatch"}}]}}]}},{"kind":"Field","alias":{"kind":"Name","value":"done"},"name":{"kind":"Name","value":"batches"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"status"},"value":{"kind":"EnumValue","value":"COMPLETED_SUCCESSFULLY"}},{"kind":"Argument","name":{"kind":"Name","value":"limit"},"value":{"kind":"IntValue","value":"20"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"DashboardBatch"}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"DashboardBatch"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Batch"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"processingPhase"}},{"kind":"Field","name":{"kind":"Name","value":"totalEssays"}},{"kind":"Field","name":{"kind":"Name","value":"completedEssays"}},{"kind":"Field","name":{"kind":"Name","value":"failedEssays"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"completedAt"}},{"kind":"Field","name":{"kind":"Name","value":"class"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"validation"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deviationCount"}},{"kind":"Field","name":{"kind":"Name","value":"autoConfirmDeadline"}},{"kind":"Field","name":{"kind":"Name","value":"totalAssociations"}},{"kind":"Field","name":{"kind":"Name","value":"confirmedAssociations"}}]}}]}}]} as unknown as DocumentNode<DashboardSectionsQuery, DashboardSectionsQueryVariables>;
export const NeedsAttentionDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"NeedsAttention"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}},"defaultValue":{"kind":"IntValue","value":"20"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"viewer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"needsAttention"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"complete"}},{"kind":"Field","name":{"kind":"Name","value":"items"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"deadline"}},{"kind":"Field","name":{"kind":"Name","value":"batch"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"DashboardBatch"}},{"kind":"Field","name":{"kind":"Name","value":"statusDetail"}}]}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"DashboardBatch"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Batch"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"processingPhase"}},{"kind":"Field","name":{"kind":"Name","value":"totalEssays"}},{"kind":"Field","name":{"kind":"Name","value":"completedEssays"}},{"kind":"Field","name":{"kind":"Name","value":"failedEssays"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"completedAt"}},{"kind":"Field","name":{"kind":"Name","value":"class"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"validation"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deviationCount"}},{"kind":"Field","name":{"kind":"Name","value":"autoConfirmDeadline"}},{"kind":"Field","name":{"kind":"Name","value":"totalAssociations"}},{"kind":"Field","name":{"kind":"Name","value":"confirmedAssociations"}}]}}]}}]} as unknown as DocumentNode<NeedsAttentionQuery, NeedsAttentionQueryVariables>;
export const TabCountsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"TabCounts"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"viewer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"batchCounts"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"all"}},{"kind":"Field","name":{"kind":"Name","value":"pendingContent"}},{"kind":"Field","name":{"kind":"Name","value":"ready"}},{"kind":"Field","name":{"kind":"Name","value":"processing"}},{"kind":"Field","name":{"kind":"Name","value":"completedSuccessfully"}},{"kind":"Field","name":{"kind":"Name","value":"completedWithFailures"}},{"kind":"Field","name":{"kind":"Name","value":"failed"}},{"kind":"Field","name":{"kind":"Name","value":"cancelled"}}]}}]}}]}}]} as unknown as DocumentNode<TabCountsQuery, TabCountsQueryVariables>;
export const TeacherDashboardDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"TeacherDashboard"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"limit"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}},"defaultValue":{"kind":"IntValue","value":"20"}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"offset"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}},"defaultValue":{"kind":"IntValue","value":"0"}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"status"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"BatchStatus"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"viewer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"credits"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"userBalance"}},{"kind":"Field","name":{"kind":"Name","value":"orgBalance"}},{"kind":"Field","name":{"kind":"Name","value":"orgId"}}]}},{"kind":"Field","name":{"kind":"Name","value":"batches"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"limit"},"value":{"kind":"Variable","name":{"kind":"Name","value":"limit"}}},{"kind":"Argument","name":{"kind":"Name","value":"offset"},"value":{"kind":"Variable","name":{"kind":"Name","value":"offset"}}},{"kind":"Argument","name":{"kind":"Name","value":"status"},"value":{"kind":"Variable","name":{"kind":"Name","value":"status"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"limit"}},{"kind":"Field","name":{"kind":"Name","value":"offset"}},{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"nodes"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"DashboardBatch"}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"DashboardBatch"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Batch"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"processingPhase"}},{"kind":"Field","name":{"kind":"Name","value":"totalEssays"}},{"kind":"Field","name":{"kind":"Name","value":"completedEssays"}},{"kind":"Field","name":{"kind":"Name","value":"failedEssays"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"completedAt"}},{"kind":"Field","name":{"kind":"Name","value":"class"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"validation"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deviationCount"}},{"kind":"Field","name":{"kind":"Name","value":"autoConfirmDeadline"}},{"kind":"Field","name":{"kind":"Name","value":"totalAssociations"}},{"kind":"Field","name":{"kind":"Name","value":"confirmedAssociations"}}]}}]}}]} as unknown as DocumentNode<TeacherDashboardQuery, TeacherDashboardQueryVariables>;