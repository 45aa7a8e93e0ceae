/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "query BatchDetail($id: ID!) {\n  batch(id: $id) {\n    ...DashboardBatch\n    essays {\n      id\n      filename\n      spellcheckStatus\n      cjAssessmentStatus\n      cjRank\n      cjScore\n    }\n  }\n}": typeof types.BatchDetailDocument,
    "query BatchPage($first: Int = 20, $after: String, $status: BatchStatus) {\n  viewer {\n    id\n    batches(first: $first, after: $after, status: $status) {\n      totalCount\n      edges {\n        cursor\n        node {\n          ...DashboardBatch\n          statusDetail\n        }\n      }\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n    }\n  }\n}": typeof types.BatchPageDocument,
    "subscription BatchUpdates($batchIds: [ID!]) {\n  batchStatusChanged(batchIds: $batchIds) {\n    id\n    status\n    processingPhase\n    totalEssays\n    completedEssays\n    failedEssays\n    completedAt\n    class {\n      id\n      name\n    }\n  }\n}": typeof types.BatchUpdatesDocument,
    "fragment DashboardBatch on Batch {\n  id\n  title\n  status\n  processingPhase\n  totalEssays\n  completedEssays\n  failedEssays\n  createdAt\n  completedAt\n  class {\n    id\n    name\n  }\n  validation {\n    deviationCount\n    autoConfirmDeadline\n    totalAssociations\n    confirmedAssociations\n  }\n}": typeof types.DashboardBatchFragmentDoc,
    "subscription DashboardChanges {\n  dashboardChanged {\n    batch {\n      id\n      title\n      status\n      statusDetail\n      processingPhase\n      completedEssays\n      failedEssays\n    }\n    previousStatus\n    tabChanged\n    attention {\n      reason\n      deadline\n    }\n    counts {\n      all\n      pendingContent\n      ready\n      processing\n      completedSuccessfully\n      completedWithFailures\n      failed\n      cancelled\n    }\n  }\n}": typeof types.DashboardChangesDocument,
    "query DashboardSections {\n  viewer {\n    id\n    processing: batches(status: PROCESSING, limit: 50) {\n      totalCount\n      nodes {\n        ...DashboardBatch\n      }\n    }\n    withFailures: batches(status: COMPLETED_WITH_FAILURES, limit: 20) {\n      totalCount\n      nodes {\n        ...DashboardBatch\n      }\n    }\n    done: batches(status: COMPLETED_SUCCESSFULLY, limit: 20) {\n      totalCount\n      nodes {\n        ...DashboardBatch\n      }\n    }\n  }\n}": typeof types.DashboardSectionsDocument,
    "query NeedsAttention($first: Int = 20) {\n  viewer {\n    id\n    needsAttention(first: $first) {\n      totalCount\n      complete\n      items {\n        reason\n        deadline\n        batch {\n          ...DashboardBatch\n          statusDetail\n        }\n      }\n    }\n  }\n}": typeof types.NeedsAttentionDocument,
    "query TabCounts {\n  viewer {\n    id\n    batchCounts {\n      all\n      pendingContent\n      ready\n      processing\n      completedSuccessfully\n      completedWithFailures\n      failed\n      cancelled\n    }\n  }\n}": typeof types.TabCountsDocument,
    "query TeacherDashboard($limit: Int = 20, $offset: Int = 0, $status: BatchStatus) {\n  viewer {\n    id\n    credits {\n      userBalance\n      orgBalance\n      orgId\n    }\n    batches(limit: $limit, offset: $offset, status: $status) {\n      totalCount\n      limit\n      offset\n      hasNextPage\n      nodes {\n        ...DashboardBatch\n      }\n    }\n  }\n}": typeof types.TeacherDashboardDocument,
};
const documents: Documents = {
    "query BatchDetail($id: ID!) {\n  batch(id: $id) {\n    ...DashboardBatch\n    essays {\n      id\n      filename\n      spellcheckStatus\n      cjAssessmentStatus\n      cjRank\n      cjScore\n    }\n  }\n}": types.BatchDetailDocument,
    "query BatchPage($first: Int = 20, $after: String, $status: BatchStatus) {\n  viewer {\n    id\n    batches(first: $first, after: $after, status: $status) {\n      totalCount\n      edges {\n        cursor\n        node {\n          ...DashboardBatch\n          statusDetail\n        }\n      }\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n    }\n  }\n}": types.BatchPageDocument,
    "subscription BatchUpdates($batchIds: [ID!]) {\n  batchStatusChanged(batchIds: $batchIds) {\n    id\n    status\n    processingPhase\n    totalEssays\n    completedEssays\n    failedEssays\n    completedAt\n    class {\n      id\n      name\n    }\n  }\n}": types.BatchUpdatesDocument,
    "fragment DashboardBatch on Batch {\n  id\n  title\n  status\n  processingPhase\n  totalEssays\n  completedEssays\n  failedEssays\n  createdAt\n  completedAt\n  class {\n    id\n    name\n  }\n  validation {\n    deviationCount\n    autoConfirmDeadline\n    totalAssociations\n    confirmedAssociations\n  }\n}": types.DashboardBatchFragmentDoc,
    "subscription DashboardChanges {\n  dashboardChanged {\n    batch {\n      id\n      title\n      status\n      statusDetail\n      processingPhase\n      completedEssays\n      failedEssays\n    }\n    previousStatus\n    tabChanged\n    attention {\n      reason\n      deadline\n    }\n    counts {\n      all\n      pendingContent\n      ready\n      processing\n      completedSuccessfully\n      completedWithFailures\n      failed\n      cancelled\n    }\n  }\n}": types.DashboardChangesDocument,
    "query DashboardSections {\n  viewer {\n    id\n    processing: batches(status: PROCESSING, limit: 50) {\n      totalCount\n      nodes {\n        ...DashboardBatch\n      }\n    }\n    withFailures: batches(status: COMPLETED_WITH_FAILURES, limit: 20) {\n      totalCount\n      nodes {\n        ...DashboardBatch\n      }\n    }\n    done: batches(status: COMPLETED_SUCCESSFULLY, limit: 20) {\n      totalCount\n      nodes {\n        ...DashboardBatch\n      }\n    }\n  }\n}": types.DashboardSectionsDocument,
    "query NeedsAttention($first: Int = 20) {\n  viewer {\n    id\n    needsAttention(first: $first) {\n      totalCount\n      complete\n      items {\n        reason\n        deadline\n        batch {\n          ...DashboardBatch\n          statusDetail\n        }\n      }\n    }\n  }\n}": types.NeedsAttentionDocument,
    "query TabCounts {\n  viewer {\n    id\n    batchCounts {\n      all\n      pendingContent\n      ready\n      processing\n      completedSuccessfully\n      completedWithFailures\n      failed\n      cancelled\n    }\n  }\n}": types.TabCountsDocument,
    "query TeacherDashboard($limit: Int = 20, $offset: Int = 0, $status: BatchStatus) {\n  viewer {\n    id\n    credits {\n      userBalance\n      orgBalance\n      orgId\n    }\n    batches(limit: $limit, offset: $offset, status: $status) {\n      totalCount\n      limit\n      offset\n      hasNextPage\n      nodes {\n        ...DashboardBatch\n      }\n    }\n  }\n}": types.TeacherDashboardDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query BatchDetail($id: ID!) {\n  batch(id: $id) {\n    ...DashboardBatch\n    essays {\n      id\n      filename\n      spellcheckStatus\n      cjAssessmentStatus\n      cjRank\n      cjScore\n    }\n  }\n}"): (typeof documents)["query BatchDetail($id: ID!) {\n  batch(id: $id) {\n    ...DashboardBatch\n    essays {\n      id\n      filename\n      spellcheckStatus\n      cjAssessmentStatus\n      cjRank\n      cjScore\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query BatchPage($first: Int = 20, $after: String, $status: BatchStatus) {\n  viewer {\n    id\n    batches(first: $first, after: $after, status: $status) {\n      totalCount\n      edges {\n        cursor\n        node {\n          ...DashboardBatch\n          statusDetail\n        }\n      }\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n    }\n  }\n}"): (typeof documents)["query BatchPage($first: Int = 20, $after: String, $status: BatchStatus) {\n  viewer {\n    id\n    batches(first: $first, after: $after, status: $status) {\n      totalCount\n      edges {\n        cursor\n        node {\n          ...DashboardBatch\n          statusDetail\n        }\n      }\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "subscription BatchUpdates($batchIds: [ID!]) {\n  batchStatusChanged(batchIds: $batchIds) {\n    id\n    status\n    processingPhase\n    totalEssays\n    completedEssays\n    failedEssays\n    completedAt\n    class {\n      id\n      name\n    }\n  }\n}"): (typeof documents)["subscription BatchUpdates($batchIds: [ID!]) {\n  batchStatusChanged(batchIds: $batchIds) {\n    id\n    status\n    processingPhase\n    totalEssays\n    completedEssays\n    failedEssays\n    completedAt\n    class {\n      id\n      name\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment DashboardBatch on Batch {\n  id\n  title\n  status\n  processingPhase\n  totalEssays\n  completedEssays\n  failedEssays\n  createdAt\n  completedAt\n  class {\n    id\n    name\n  }\n  validation {\n    deviationCount\n    autoConfirmDeadline\n    totalAssociations\n    confirmedAssociations\n  }\n}"): (typeof documents)["fragment DashboardBatch on Batch {\n  id\n  title\n  status\n  processingPhase\n  totalEssays\n  completedEssays\n  failedEssays\n  createdAt\n  completedAt\n  class {\n    id\n    name\n  }\n  validation {\n    deviationCount\n    autoConfirmDeadline\n    totalAssociations\n    confirmedAssociations\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "subscription DashboardChanges {\n  dashboardChanged {\n    batch {\n      id\n      title\n      status\n      statusDetail\n      processingPhase\n      completedEssays\n      failedEssays\n    }\n    previousStatus\n    tabChanged\n    attention {\n      reason\n      deadline\n    }\n    counts {\n      all\n      pendingContent\n      ready\n      processing\n      completedSuccessfully\n      completedWithFailures\n      failed\n      cancelled\n    }\n  }\n}"): (typeof documents)["subscription DashboardChanges {\n  dashboardChanged {\n    batch {\n      id\n      title\n      status\n      statusDetail\n      processingPhase\n      completedEssays\n      failedEssays\n    }\n    previousStatus\n    tabChanged\n    attention {\n      reason\n      deadline\n    }\n    counts {\n      all\n      pendingContent\n      ready\n      processing\n      completedSuccessfully\n      completedWithFailures\n      failed\n      cancelled\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query DashboardSections {\n  viewer {\n    id\n    processing: batches(status: PROCESSING, limit: 50) {\n      totalCount\n      nodes {\n        ...DashboardBatch\n      }\n    }\n    withFailures: batches(status: COMPLETED_WITH_FAILURES, limit: 20) {\n      totalCount\n      nodes {\n        ...DashboardBatch\n      }\n    }\n    done: batches(status: COMPLETED_SUCCESSFULLY, limit: 20) {\n      totalCount\n      nodes {\n        ...DashboardBatch\n      }\n    }\n  }\n}"): (typeof documents)["query DashboardSections {\n  viewer {\n    id\n    processing: batches(status: PROCESSING, limit: 50) {\n      totalCount\n      nodes {\n        ...DashboardBatch\n      }\n    }\n    withFailures: batches(status: COMPLETED_WITH_FAILURES, limit: 20) {\n      totalCount\n      nodes {\n        ...DashboardBatch\n      }\n    }\n    done: batches(status: COMPLETED_SUCCESSFULLY, limit: 20) {\n      totalCount\n      nodes {\n        ...DashboardBatch\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query NeedsAttention($first: Int = 20) {\n  viewer {\n    id\n    needsAttention(first: $first) {\n      totalCount\n      complete\n      items {\n        reason\n        deadline\n        batch {\n          ...DashboardBatch\n          statusDetail\n        }\n      }\n    }\n  }\n}"): (typeof documents)["query NeedsAttention($first: Int = 20) {\n  viewer {\n    id\n    needsAttention(first: $first) {\n      totalCount\n      complete\n      items {\n        reason\n        deadline\n        batch {\n          ...DashboardBatch\n          statusDetail\n        }\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query TabCounts {\n  viewer {\n    id\n    batchCounts {\n      all\n      pendingContent\n      ready\n      processing\n      completedSuccessfully\n      completedWithFailures\n      failed\n      cancelled\n    }\n  }\n}"): (typeof documents)["query TabCounts {\n  viewer {\n    id\n    batchCounts {\n      all\n      pendingContent\n      ready\n      processing\n      completedSuccessfully\n      completedWithFailures\n      failed\n      cancelled\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query TeacherDashboard($limit: Int = 20, $offset: Int = 0, $status: BatchStatus) {\n  viewer {\n    id\n    credits {\n      userBalance\n      orgBalance\n      orgId\n    }\n    batches(limit: $limit, offset: $offset, status: $status) {\n      totalCount\n      limit\n      offset\n      hasNextPage\n      nodes {\n        ...DashboardBatch\n      }\n    }\n  }\n}"): (typeof documents)["query TeacherDashboard($limit: Int = 20, $offset: Int = 0, $status: BatchStatus) {\n  viewer {\n    id\n    credits {\n      userBalance\n      orgBalance\n      orgId\n    }\n    batches(limit: $limit, offset: $offset, status: $status) {\n      totalCount\n      limit\n      offset\n      hasNextPage\n      nodes {\n        ...DashboardBatch\n      }\n    }\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;