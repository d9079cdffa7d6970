/**
 * Words that are reserved (or ambiguous as bare names) in at least one supported warehouse. A name
 * on this list is always quoted, so a column called `order` or `time` works everywhere. Quoting too
 * much is harmless; quoting too little is a syntax error, so this is a generous union.
 */
export const RESERVED_WORDS: ReadonlySet<string> = new Set(
  `all alter analyse analyze and any array as asc assert_rows_modified asymmetric at authorization between bigint
  binary bit boolean both by case cast char character check collate collation column concurrently connect connection
  constraint contains create cross cube current current_catalog current_date current_role current_schema current_time
  current_timestamp current_user database date day dec decimal default deferrable define delete desc distinct do drop
  else end enum escape except exclude exists extract false fetch float following for foreign freeze from full grant
  group grouping groups hash having hour if ignore ilike in increment initially inner inout insert int integer
  intersect interval into is isnull join lateral leading left like limit localtime localtimestamp lookup merge minus
  minute month national natural nchar new no none normalize not notnull null nullif nulls numeric of offset on only or
  order organization out outer over overlaps overlay partition pivot placing position precision preceding primary
  proto qualify range real recursive references regexp respect returning revoke right rlike rollup row rows sample
  schema second select session_user set setof similar smallint some start struct substring symmetric system_user
  table tablesample then time timestamp to trailing treat trigger trim true try_cast unbounded union unique unnest
  unpivot update user using values varchar variadic verbose view when whenever where window with within year
  anti asof describe glob lambda pivot_longer pivot_wider positional semi show summarize unpack`
    .split(/\s+/)
    .filter(Boolean),
);
