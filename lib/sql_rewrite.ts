/**
 * Rewrites the schema, table and column names in a SQL text from a connection's source names to the names
 * Fivetran gives them in the destination (`name_in_destination`).
 *
 * It reads the SQL with a small tokenizer, never with text search, so it:
 * - replaces whole identifiers only, never part of a longer name;
 * - never touches string literals (`'...'`, `E'...'`, `$$...$$`), comments (`-- line`, `/* block *\/`), numbers,
 *   parameters (`@x`, `$1`, `:name`), types after `::` or function names (`count(`);
 * - matches unquoted identifiers case-insensitively, like SQL, and quoted ones (`"Orders"`, `` `Orders` ``,
 *   `[Orders]`) exactly, and keeps the quoting style (`` `dataset.table` `` paths too);
 * - understands qualified names: `schema.table.column`, `database.schema.table`, `table.column` and
 *   `alias.column`; a name is rewritten only where its position says what it is.
 *
 * Idempotent: everything it writes is a destination name spelled exactly, and an identifier that already is,
 * exactly, a destination name is never rewritten again — even when it is also a source name (say source table
 * `a` → `b` while source `b` → `a`). Such a clash, and a name whose candidates disagree, is left unchanged and
 * reported in `warnings`, so running it twice changes nothing the second time.
 *
 * @module
 */

/** The destination names of one source table. */
export interface TableNames {
  /** The table's `name_in_destination`. */
  destination: string;
  /** Source column name → its `name_in_destination` (only the columns known; may be absent). */
  columns?: Record<string, string>;
}

/** The destination names of one source schema. */
export interface SchemaNames {
  /** The schema's `name_in_destination`. */
  destination: string;
  /** Source table name → its names. */
  tables: Record<string, TableNames>;
}

/** Source schema name → its names, as in `GET connections/{id}/schemas` (plus columns where fetched). */
export type NameMapping = Record<string, SchemaNames>;

/** What a name belongs to. */
export type ObjectKind = "schema" | "table" | "column";

/** One replacement made. */
export interface SqlChange {
  /** Schema, table or column. */
  kind: ObjectKind;
  /** The object's source path: `[schema]`, `[schema, table]` or `[schema, table, column]`. */
  path: string[];
  /** The identifier as written (with its quotes). */
  from: string;
  /** What was written instead (with the same quotes). */
  to: string;
  /** 1-based line of the identifier in the input. */
  line: number;
  /** 1-based column (in UTF-16 code units) of the identifier in the input. */
  column: number;
}

/** An identifier left unchanged because it could mean more than one thing. */
export interface SqlWarning {
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  column: number;
  /** The identifier as written. */
  text: string;
  /** Why it was left alone. */
  message: string;
}

/** Options of {@link rewriteSql}. */
export interface RewriteOptions {
  /**
   * Whether a backslash escapes the next character inside `'...'` strings (Snowflake, BigQuery, Databricks,
   * MySQL, Redshift). Set `false` for standard strings (PostgreSQL, SQL Server), where `'C:\'` ends at its
   * second quote. `E'...'` strings always use backslash escapes.
   *
   * @default {true}
   */
  backslashEscapes?: boolean;
}

/** What {@link rewriteSql} returns. */
export interface RewriteResult {
  /** The rewritten SQL (the input itself when nothing changed). */
  sql: string;
  /** Every replacement, in the order of the text. */
  changes: SqlChange[];
  /** Identifiers left unchanged on purpose (ambiguous or clashing names). */
  warnings: SqlWarning[];
}

/** A table the SQL mentions, by source names. */
export interface TableRef {
  /** Source schema name. */
  schema: string;
  /** Source table name. */
  table: string;
}

// ---------------------------------------------------------------------------------------------------------
// Tokenizer

type TokenType = "space" | "comment" | "string" | "number" | "word" | "quoted" | "param" | "punct";

interface Token {
  type: TokenType;
  /** The text as in the input. */
  text: string;
  /** Offset in the input. */
  start: number;
  /** For identifiers: the name (quotes removed, escapes undone). */
  value?: string;
  /** For quoted identifiers: the opening quote character. */
  quote?: '"' | "`" | "[";
  /** Quoted identifier without its closing quote (left alone). */
  unterminated?: boolean;
}

const WORD_START = /[\p{L}_]/u;
const WORD_PART = /[\p{L}\p{N}_$]/u;
const NUMBER = /0x[0-9a-f]+|(\d+\.?\d*|\.\d+)(e[+-]?\d+)?/iy;
const STRING_PREFIXES = new Set(["n", "e", "x", "b", "r", "br", "rb"]);
const BRACKET_CONTENT = /^[^[\n\r'",()]+$/;

// Character classes with an ASCII fast path (the regular expressions decide the rest, as before).
function isSpace(c: string): boolean {
  const code = c.charCodeAt(0);
  return code === 32 || (code >= 9 && code <= 13) || (code > 127 && /\s/.test(c));
}

function isDigit(c: string | undefined): boolean {
  if (c === undefined) return false;
  const code = c.charCodeAt(0);
  return code >= 48 && code <= 57;
}

function isWordStart(c: string): boolean {
  const code = c.charCodeAt(0);
  if (code < 128) return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || code === 95;
  return WORD_START.test(c);
}

function isWordPart(c: string): boolean {
  const code = c.charCodeAt(0);
  if (code < 128) {
    return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 95 ||
      code === 36;
  }
  return WORD_PART.test(c);
}

function tokenize(sql: string, backslashEscapes: boolean): Token[] {
  const tokens: Token[] = [];
  const n = sql.length;
  let i = 0;
  // Every token has the same fields (one object shape), set without spreading an options object.
  const push = (type: TokenType, start: number, end: number, extra?: Partial<Token>) => {
    tokens.push({
      type,
      text: sql.slice(start, end),
      start,
      value: extra?.value,
      quote: extra?.quote,
      unterminated: extra?.unterminated,
    });
  };
  const lastSignificant = (): Token | undefined => {
    for (let k = tokens.length - 1; k >= 0; k--) {
      if (tokens[k].type !== "space" && tokens[k].type !== "comment") return tokens[k];
    }
    return undefined;
  };
  // Offset just past the closing quote (a doubled quote is an escaped one), or -1 when unterminated.
  const scanQuoted = (from: number, close: string, backslash: boolean): number => {
    let j = from;
    while (j < n) {
      const c = sql[j];
      if (backslash && c === "\\") {
        j += 2;
        continue;
      }
      if (c === close) {
        if (sql[j + 1] === close) {
          j += 2;
          continue;
        }
        return j + 1;
      }
      j++;
    }
    return -1;
  };
  const endOf = (j: number) => (j === -1 ? n : j);
  while (i < n) {
    const c = sql[i];
    const next = sql[i + 1];
    if (isSpace(c)) {
      let j = i + 1;
      while (j < n && isSpace(sql[j])) j++;
      push("space", i, j);
      i = j;
    } else if (c === "-" && next === "-") {
      let j = i + 2;
      while (j < n && sql[j] !== "\n" && sql[j] !== "\r") j++;
      push("comment", i, j);
      i = j;
    } else if (c === "/" && next === "*") {
      const end = sql.indexOf("*/", i + 2);
      const j = end === -1 ? n : end + 2;
      push("comment", i, j);
      i = j;
    } else if (c === "'") {
      const j = endOf(scanQuoted(i + 1, "'", backslashEscapes));
      push("string", i, j);
      i = j;
    } else if (c === '"' || c === "`") {
      const j = scanQuoted(i + 1, c, false);
      if (j === -1) {
        push("quoted", i, n, { quote: c, value: sql.slice(i + 1), unterminated: true });
        i = n;
      } else {
        push("quoted", i, j, { quote: c, value: sql.slice(i + 1, j - 1).split(c + c).join(c) });
        i = j;
      }
    } else if (c === "[") {
      // `[Order Details]` (SQL Server) — but `arr[1]` or `ARRAY[a, b]` are subscripts and lists.
      const j = scanQuoted(i + 1, "]", false);
      const value = j === -1 ? "" : sql.slice(i + 1, j - 1).split("]]").join("]");
      if (j !== -1 && BRACKET_CONTENT.test(value)) {
        push("quoted", i, j, { quote: "[", value });
        i = j;
      } else {
        push("punct", i, i + 1);
        i++;
      }
    } else if (c === "$") {
      const tag = /^\$([\p{L}_][\p{L}\p{N}_]*)?\$/u.exec(sql.slice(i, i + 130));
      if (tag) {
        const end = sql.indexOf(tag[0], i + tag[0].length);
        const j = end === -1 ? n : end + tag[0].length;
        push("string", i, j);
        i = j;
      } else if (next !== undefined && isDigit(next)) {
        let j = i + 1;
        while (j < n && isDigit(sql[j])) j++;
        push("param", i, j);
        i = j;
      } else {
        push("punct", i, i + 1);
        i++;
      }
    } else if ((c === "@" || c === "#") && next !== undefined && (isWordStart(next) || next === "@")) {
      let j = i + 1;
      while (j < n && (sql[j] === "@" || isWordPart(sql[j]))) j++;
      push("param", i, j);
      i = j;
    } else if (c === "?") {
      push("param", i, i + 1);
      i++;
    } else if (
      isDigit(c) || (c === "." && next !== undefined && isDigit(next) && !isNameToken(lastSignificant()))
    ) {
      NUMBER.lastIndex = i;
      const m = NUMBER.exec(sql);
      let j = i + (m ? m[0].length : 1);
      while (j < n && isWordPart(sql[j])) j++; // e.g. 1st, 2d: keep glued to the number
      push("number", i, j);
      i = j;
    } else if (isWordStart(c)) {
      let j = i + 1;
      while (j < n && isWordPart(sql[j])) j++;
      const word = sql.slice(i, j);
      const lower = word.toLowerCase();
      if (sql[j] === "'" && STRING_PREFIXES.has(lower)) {
        const k = endOf(scanQuoted(j + 1, "'", backslashEscapes || lower === "e"));
        push("string", i, k);
        i = k;
      } else if (lower === "u" && sql[j] === "&" && (sql[j + 1] === "'" || sql[j + 1] === '"')) {
        // U&'...' strings and U&"..." identifiers (Unicode escapes): left alone.
        const k = endOf(scanQuoted(j + 2, sql[j + 1], false));
        push("string", i, k);
        i = k;
      } else {
        push("word", i, j, { value: word });
        i = j;
      }
    } else if (c === ":" && next === ":") {
      push("punct", i, i + 2);
      i += 2;
    } else {
      push("punct", i, i + 1);
      i++;
    }
  }
  return tokens;
}

function isNameToken(t: Token | undefined): boolean {
  return t !== undefined && (t.type === "word" || t.type === "quoted");
}

// Words that are never unquoted names in any common dialect; they end a qualified name.
const RESERVED = new Set(
  ("all and any as asc between by case cast check collate constraint create cross current_date current_time " +
    "current_timestamp default delete desc distinct drop else end except exists false fetch for foreign from full " +
    "grant group having in inner insert intersect into is join left like limit not null offset on or order outer " +
    "primary references right select set some table then to true union unique update using values when where with")
    .split(" "),
);

// ---------------------------------------------------------------------------------------------------------
// The model of names

interface Obj {
  kind: ObjectKind;
  src: string;
  dst: string;
  path: string[];
  children: Obj[];
}

interface Model {
  schemas: Obj[];
  tables: Obj[];
  columns: Obj[];
  /** Tables, columns and schemas: what a lone name may be. */
  any: Obj[];
}

function buildModel(mapping: NameMapping): Model {
  const model: Model = { schemas: [], tables: [], columns: [], any: [] };
  for (const [schemaName, s] of Object.entries(mapping)) {
    const schema: Obj = { kind: "schema", src: schemaName, dst: s.destination, path: [schemaName], children: [] };
    model.schemas.push(schema);
    for (const [tableName, t] of Object.entries(s.tables ?? {})) {
      const table: Obj = {
        kind: "table",
        src: tableName,
        dst: t.destination,
        path: [schemaName, tableName],
        children: [],
      };
      schema.children.push(table);
      model.tables.push(table);
      for (const [columnName, dst] of Object.entries(t.columns ?? {})) {
        const column: Obj = {
          kind: "column",
          src: columnName,
          dst,
          path: [schemaName, tableName, columnName],
          children: [],
        };
        table.children.push(column);
        model.columns.push(column);
      }
    }
  }
  model.any = [...model.tables, ...model.columns, ...model.schemas];
  return model;
}

// One name inside a qualified name: a whole token, or one dotted segment of a `` `a.b.c` `` token.
interface Part {
  token: Token;
  /** Which segment of a backtick path; undefined for a whole token. */
  segment?: number;
  value: string;
  quoted: boolean;
  star: boolean;
  offset: number;
}

function sameName(part: Part, name: string): boolean {
  return part.quoted ? part.value === name : part.value.toLowerCase() === name.toLowerCase();
}

interface Resolution {
  /** Objects the part names (used to look up the next part). */
  resolved: Obj[];
  /** The object whose destination name to write, when the part is rewritten. */
  target?: Obj;
  warning?: string;
}

function describe(o: Obj): string {
  return `${o.kind} ${o.path.join(".")}`;
}

// Big pools (every table, every column) are looked up by lower-cased name instead of scanned.
const poolIndex = new WeakMap<readonly Obj[], Map<string, Obj[]>>();

function lookup(pool: readonly Obj[], name: string): readonly Obj[] {
  if (pool.length < 32) return pool;
  let index = poolIndex.get(pool);
  if (!index) {
    index = new Map();
    for (const o of pool) {
      for (const key of new Set([o.src.toLowerCase(), o.dst.toLowerCase()])) {
        const list = index.get(key);
        if (list) list.push(o);
        else index.set(key, [o]);
      }
    }
    poolIndex.set(pool, index);
  }
  return index.get(name.toLowerCase()) ?? [];
}

/** Decides what one part means among its candidates. */
function resolvePart(part: Part, pool: readonly Obj[]): Resolution | undefined {
  if (part.star) return undefined;
  const candidates = lookup(pool, part.value).filter((o) => sameName(part, o.src) || sameName(part, o.dst));
  if (candidates.length === 0) return undefined;
  const exact = candidates.filter((o) => o.dst === part.value);
  const bySource = candidates.filter((o) => sameName(part, o.src));
  if (exact.length > 0) {
    const clash = bySource.filter((o) => o.dst !== part.value && !exact.includes(o));
    return {
      resolved: exact,
      ...(clash.length > 0
        ? {
          warning: `is the destination name of ${describe(exact[0])} and the source name of ${
            describe(clash[0])
          }; left unchanged (edit by hand if it means the latter)`,
        }
        : {}),
    };
  }
  if (bySource.length === 0) return { resolved: candidates };
  const targets = new Set(bySource.map((o) => o.dst));
  if (targets.size > 1) {
    return {
      resolved: bySource,
      warning: `could be ${
        bySource.slice(0, 3).map(describe).join(" or ")
      }, which have different destination names; left unchanged`,
    };
  }
  const others = candidates.filter((o) => !bySource.includes(o));
  return {
    resolved: bySource,
    target: bySource[0],
    ...(others.length > 0
      ? {
        warning: `also matches the destination name of ${describe(others[0])}; rewritten as ${describe(bySource[0])}`,
      }
      : {}),
  };
}

type Slot = "S" | "T" | "C" | "X";

const PATTERNS: Record<number, Slot[][]> = {
  2: [["S", "T"], ["T", "C"], ["X", "C"]],
  3: [["S", "T", "C"], ["X", "S", "T"]],
};

function patternsFor(n: number): Slot[][] {
  if (PATTERNS[n]) return PATTERNS[n];
  return [[...Array(n - 3).fill("X"), "S", "T", "C"]];
}

interface PartDecision {
  part: Part;
  resolution: Resolution;
}

function resolveChain(parts: Part[], model: Model, functionCall: boolean): PartDecision[] {
  if (parts.length === 1) {
    const pool = functionCall ? model.tables : model.any;
    const r = resolvePart(parts[0], pool);
    return r ? [{ part: parts[0], resolution: r }] : [];
  }
  let best: { decisions: PartDecision[]; full: boolean } | undefined;
  for (const pattern of patternsFor(parts.length)) {
    const decisions: PartDecision[] = [];
    let parent: Obj[] | undefined;
    let full = true;
    for (let k = 0; k < pattern.length; k++) {
      const slot = pattern[k];
      if (slot === "X") continue;
      const pool = parent
        ? (parent.length === 1 ? parent[0].children : parent.flatMap((o) => o.children))
        : slot === "S"
        ? model.schemas
        : slot === "T"
        ? model.tables
        : model.columns;
      const r = resolvePart(parts[k], pool);
      if (!r) {
        full = false;
        break;
      }
      decisions.push({ part: parts[k], resolution: r });
      parent = r.resolved;
    }
    if (
      decisions.length > 0 &&
      (!best || decisions.length > best.decisions.length ||
        (decisions.length === best.decisions.length && full && !best.full))
    ) {
      best = { decisions, full };
    }
  }
  return best?.decisions ?? [];
}

// ---------------------------------------------------------------------------------------------------------
// Qualified names in the token stream

interface Chain {
  parts: Part[];
  functionCall: boolean;
  skip: boolean;
}

function partsOf(token: Token): Part[] {
  const value = token.value ?? "";
  const quoted = token.type === "quoted";
  if (token.quote === "`" && value.includes(".") && !token.unterminated) {
    // BigQuery-style `project.dataset.table` path in one pair of backticks.
    let offset = token.start + 1;
    return value.split(".").map((segment, index) => {
      const part: Part = { token, segment: index, value: segment, quoted: true, star: false, offset };
      offset += segment.length + 1;
      return part;
    });
  }
  return [{ token, value, quoted, star: false, offset: token.start }];
}

function isIdentifier(t: Token | undefined): boolean {
  if (!t) return false;
  if (t.type === "quoted") return !t.unterminated && t.value !== "";
  return t.type === "word" && !RESERVED.has(t.text.toLowerCase());
}

function findChains(tokens: Token[]): Chain[] {
  const sig = tokens.filter((t) => t.type !== "space" && t.type !== "comment");
  const chains: Chain[] = [];
  let k = 0;
  while (k < sig.length) {
    if (!isIdentifier(sig[k])) {
      k++;
      continue;
    }
    const prev = sig[k - 1];
    const parts: Part[] = [...partsOf(sig[k])];
    let j = k + 1;
    while (sig[j]?.text === "." && sig[j]?.type === "punct") {
      const after = sig[j + 1];
      if (isIdentifier(after)) {
        parts.push(...partsOf(after!));
        j += 2;
      } else if (after?.type === "punct" && after.text === "*") {
        parts.push({ token: after, value: "*", quoted: false, star: true, offset: after.start });
        j += 2;
        break;
      } else {
        break;
      }
    }
    const following = sig[j];
    const skip = prev !== undefined && prev.type === "punct" &&
      (prev.text === "." || prev.text === ":" || prev.text === "::");
    chains.push({ parts, functionCall: following?.type === "punct" && following.text === "(", skip });
    k = j;
  }
  return chains;
}

// ---------------------------------------------------------------------------------------------------------
// Writing names

const BARE = /^[\p{L}_][\p{L}\p{N}_$]*$/u;

function quoteAs(quote: Token["quote"], name: string): string {
  if (quote === "`") return "`" + name.split("`").join("``") + "`";
  if (quote === "[") return "[" + name.split("]").join("]]") + "]";
  return '"' + name.split('"').join('""') + '"';
}

function spell(token: Token, name: string): string {
  if (token.type === "quoted") return quoteAs(token.quote, name);
  return BARE.test(name) && !RESERVED.has(name.toLowerCase()) ? name : quoteAs('"', name);
}

function lineIndex(sql: string): (offset: number) => { line: number; column: number } {
  const starts = [0];
  for (let i = 0; i < sql.length; i++) if (sql[i] === "\n") starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - starts[lo] + 1 };
  };
}

/**
 * Rewrites the schema, table and column names of `sql` from source names to destination names.
 *
 * Pure: it only reads `sql` and `mapping`. An unquoted name is written bare when it is a plain name
 * (letters, digits, `_` and `$`, not starting with a digit, not a reserved word), otherwise in double quotes; a quoted name keeps its quotes.
 *
 * @param sql The SQL text.
 * @param mapping Source names → destination names (schemas, tables and, where known, columns).
 * @param options Dialect details.
 * @returns The new text, each replacement with its position, and the names left alone on purpose.
 *
 * @example Rewrite a query to destination names
 * ```ts
 * import { rewriteSql } from "./sql_rewrite.ts";
 * const mapping = {
 *   Sales: { destination: "sales", tables: { Orders: { destination: "orders", columns: { OrderID: "order_id" } } } },
 * };
 * const { sql, changes } = rewriteSql(`SELECT o.OrderID, 'OrderID' FROM "Sales"."Orders" o -- OrderID`, mapping);
 * // sql === `SELECT o.order_id, 'OrderID' FROM "sales"."orders" o -- OrderID`
 * // changes.length === 3
 * ```
 */
export function rewriteSql(sql: string, mapping: NameMapping, options: RewriteOptions = {}): RewriteResult {
  const { backslashEscapes = true } = options;
  const tokens = tokenize(sql, backslashEscapes);
  const model = buildModel(mapping);
  const position = lineIndex(sql);
  const changes: SqlChange[] = [];
  const warnings: SqlWarning[] = [];
  // New values per token (whole token) or per backtick segment.
  const replaced = new Map<Token, { whole?: string; segments?: Map<number, string> }>();

  for (const chain of findChains(tokens)) {
    if (chain.skip) continue;
    for (const { part, resolution } of resolveChain(chain.parts, model, chain.functionCall)) {
      const at = position(part.offset);
      const written = part.segment === undefined ? part.token.text : part.value;
      if (resolution.warning) {
        warnings.push({ ...at, text: written, message: `'${written}' ${resolution.warning}` });
      }
      const target = resolution.target;
      if (!target || target.dst === part.value) continue;
      const entry = replaced.get(part.token) ?? {};
      let to: string;
      if (part.segment === undefined) {
        to = spell(part.token, target.dst);
        entry.whole = to;
      } else {
        to = target.dst;
        (entry.segments ??= new Map()).set(part.segment, to);
      }
      replaced.set(part.token, entry);
      changes.push({ kind: target.kind, path: target.path, from: written, to, ...at });
    }
  }
  if (changes.length === 0) return { sql, changes, warnings };
  // The text between replaced tokens is copied as is (one slice each), not token by token.
  const out: string[] = [];
  let copied = 0;
  for (const [token, entry] of [...replaced].sort((x, y) => x[0].start - y[0].start)) {
    out.push(sql.slice(copied, token.start));
    if (entry.whole !== undefined) out.push(entry.whole);
    else {
      const segments = (token.value ?? "").split(".").map((s, i) => entry.segments?.get(i) ?? s);
      out.push(quoteAs("`", segments.join(".")));
    }
    copied = token.start + token.text.length;
  }
  out.push(sql.slice(copied));
  return { sql: out.join(""), changes, warnings };
}

/**
 * The tables whose source or destination name appears as an identifier in `sql` (outside strings and
 * comments), by source names — the tables whose column names are worth fetching before {@link rewriteSql}.
 *
 * @param sql The SQL text.
 * @param mapping Source names → destination names (columns are not needed).
 * @param options Dialect details.
 * @returns Each table once, in the mapping's order.
 *
 * @example Find the tables a query mentions
 * ```ts
 * import { mentionedTables } from "./sql_rewrite.ts";
 * const mapping = { Sales: { destination: "sales", tables: { Orders: { destination: "orders" }, Items: { destination: "items" } } } };
 * mentionedTables("SELECT * FROM Sales.Orders -- Items", mapping); // [{ schema: "Sales", table: "Orders" }]
 * ```
 */
export function mentionedTables(sql: string, mapping: NameMapping, options: RewriteOptions = {}): TableRef[] {
  const { backslashEscapes = true } = options;
  const parts = findChains(tokenize(sql, backslashEscapes)).filter((c) => !c.skip).flatMap((c) => c.parts);
  const found: TableRef[] = [];
  for (const table of buildModel(mapping).tables) {
    if (parts.some((p) => !p.star && (sameName(p, table.src) || sameName(p, table.dst)))) {
      found.push({ schema: table.path[0], table: table.path[1] });
    }
  }
  return found;
}

/**
 * Where a long SQL text may be cut so that its two parts, each given to {@link rewriteSql} or
 * {@link mentionedTables} on its own, give the same result as the whole: just after a line break that follows a
 * `;` or `,` (outside strings and comments, with only whitespace or comments between). Such a cut is inside
 * whitespace, and nothing on either side depends on the other: a qualified name never spans it. Used to rewrite
 * a large file piece by piece in bounded memory.
 *
 * @param sql The SQL text (possibly the start of a longer one: the last token may be incomplete).
 * @param options Dialect details.
 * @returns The last such offset (the start of the next line), or 0 when there is none.
 *
 * @example Cut after the first statement
 * ```ts
 * import { cutPoint } from "./sql_rewrite.ts";
 * cutPoint("SELECT 1;\nSELECT 'a;\nb' FROM t"); // 10: the `;` inside the string is no boundary
 * ```
 */
export function cutPoint(sql: string, options: RewriteOptions = {}): number {
  const { backslashEscapes = true } = options;
  const tokens = tokenize(sql, backslashEscapes);
  let cut = 0;
  let boundary = false;
  // The last token is left out: whitespace at the very end may go on in the text that follows.
  for (let k = 0; k < tokens.length - 1; k++) {
    const t = tokens[k];
    if (t.type === "space") {
      const newline = t.text.indexOf("\n");
      if (boundary && newline !== -1) cut = t.start + newline + 1;
    } else if (t.type !== "comment") {
      boundary = t.type === "punct" && (t.text === ";" || t.text === ",");
    }
  }
  return cut;
}
