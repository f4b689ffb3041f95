/**
 * The SDK's paginators (`paginateListKeys` …): async generators that follow `NextMarker` until the
 * listing is complete, with the SDK's semantics (`pageSize` → `Limit`, `startingToken`,
 * `stopOnSameToken`).
 *
 * Owns: the eight `paginate*` functions. Must not: interpret pages beyond the token.
 *
 * @module
 */
import { KMSClient } from "./client.js";
import type { MetadataBearer } from "./command.js";
import {
  DescribeCustomKeyStoresCommand, ListAliasesCommand, ListGrantsCommand, ListKeyPoliciesCommand, ListKeyRotationsCommand,
  ListKeysCommand, ListResourceTagsCommand, ListRetirableGrantsCommand,
  type DescribeCustomKeyStoresCommandInput, type DescribeCustomKeyStoresCommandOutput, type ListAliasesCommandInput,
  type ListAliasesCommandOutput, type ListGrantsCommandInput, type ListGrantsCommandOutput, type ListKeyPoliciesCommandInput,
  type ListKeyPoliciesCommandOutput, type ListKeyRotationsCommandInput, type ListKeyRotationsCommandOutput,
  type ListKeysCommandInput, type ListKeysCommandOutput, type ListResourceTagsCommandInput, type ListResourceTagsCommandOutput,
  type ListRetirableGrantsCommandInput, type ListRetirableGrantsCommandOutput,
} from "./generated/commands.js";

/** What every paginator yields: an async generator of pages (`@smithy/types` Paginator). */
export type Paginator<T> = AsyncGenerator<T, undefined, unknown>;

/** Options of every `paginate*` function (the SDK's `KMSPaginationConfiguration`). */
export interface KMSPaginationConfiguration {
  /** The client to send through: a {@link KMSClient} or a `KMS`. */
  client: KMSClient;
  /** Sets `Limit` on each request unless the input already has one. */
  pageSize?: number;
  /** The `Marker` to start from. */
  startingToken?: any;
  /** Stop if the service returns the same marker twice. */
  stopOnSameToken?: boolean;
}

type Paged = { Marker?: string | undefined; Limit?: number | undefined };

function createPaginator<I extends Paged, O extends MetadataBearer & { NextMarker?: string | undefined }>(
  CommandClass: new (input: I) => { input: I },
) {
  return async function* paginate(config: KMSPaginationConfiguration, input: I, ..._rest: any[]): Paginator<O> {
    if (!(config.client instanceof KMSClient)) throw new Error("Invalid client, expected instance of KMSClient");
    let token: string | undefined = config.startingToken ?? input.Marker;
    for (;;) {
      // Like the SDK, the caller's input object is updated in place with the current marker.
      input.Marker = token;
      input.Limit = input.Limit ?? config.pageSize;
      const page = (await config.client.send(new CommandClass(input) as never)) as O;
      yield page;
      const prev = token;
      token = page.NextMarker;
      if (!token || (config.stopOnSameToken && token === prev)) return undefined;
    }
  };
}

/** Pages through ListKeys. @example `for await (const page of paginateListKeys({ client }, {})) page.Keys;` */
export const paginateListKeys: (config: KMSPaginationConfiguration, input: ListKeysCommandInput, ...rest: any[]) => Paginator<ListKeysCommandOutput> =
  createPaginator<ListKeysCommandInput, ListKeysCommandOutput>(ListKeysCommand);
/** Pages through ListAliases. */
export const paginateListAliases: (config: KMSPaginationConfiguration, input: ListAliasesCommandInput, ...rest: any[]) => Paginator<ListAliasesCommandOutput> =
  createPaginator<ListAliasesCommandInput, ListAliasesCommandOutput>(ListAliasesCommand);
/** Pages through ListGrants. */
export const paginateListGrants: (config: KMSPaginationConfiguration, input: ListGrantsCommandInput, ...rest: any[]) => Paginator<ListGrantsCommandOutput> =
  createPaginator<ListGrantsCommandInput, ListGrantsCommandOutput>(ListGrantsCommand);
/** Pages through ListKeyPolicies. */
export const paginateListKeyPolicies: (config: KMSPaginationConfiguration, input: ListKeyPoliciesCommandInput, ...rest: any[]) => Paginator<ListKeyPoliciesCommandOutput> =
  createPaginator<ListKeyPoliciesCommandInput, ListKeyPoliciesCommandOutput>(ListKeyPoliciesCommand);
/** Pages through ListResourceTags. */
export const paginateListResourceTags: (config: KMSPaginationConfiguration, input: ListResourceTagsCommandInput, ...rest: any[]) => Paginator<ListResourceTagsCommandOutput> =
  createPaginator<ListResourceTagsCommandInput, ListResourceTagsCommandOutput>(ListResourceTagsCommand);
/** Pages through ListRetirableGrants. */
export const paginateListRetirableGrants: (config: KMSPaginationConfiguration, input: ListRetirableGrantsCommandInput, ...rest: any[]) => Paginator<ListRetirableGrantsCommandOutput> =
  createPaginator<ListRetirableGrantsCommandInput, ListRetirableGrantsCommandOutput>(ListRetirableGrantsCommand);
/** Pages through ListKeyRotations. */
export const paginateListKeyRotations: (config: KMSPaginationConfiguration, input: ListKeyRotationsCommandInput, ...rest: any[]) => Paginator<ListKeyRotationsCommandOutput> =
  createPaginator<ListKeyRotationsCommandInput, ListKeyRotationsCommandOutput>(ListKeyRotationsCommand);
/** Pages through DescribeCustomKeyStores. */
export const paginateDescribeCustomKeyStores: (config: KMSPaginationConfiguration, input: DescribeCustomKeyStoresCommandInput, ...rest: any[]) => Paginator<DescribeCustomKeyStoresCommandOutput> =
  createPaginator<DescribeCustomKeyStoresCommandInput, DescribeCustomKeyStoresCommandOutput>(DescribeCustomKeyStoresCommand);
