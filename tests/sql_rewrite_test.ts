import assert, { deepStrictEqual as assertEquals } from "node:assert/strict";
import { cutPoint, mentionedTables, type NameMapping, rewriteSql } from "../lib/sql_rewrite.ts";

const MAPPING: NameMapping = {
  Sales: {
    destination: "sales_crm",
    tables: {
      Orders: { destination: "orders", columns: { OrderID: "order_id", CustomerID: "customer_id", Total: "total" } },
      "Order Details": { destination: "order_details", columns: { OrderID: "order_id", Qty: "qty" } },
      Customers: { destination: "customer", columns: { CustomerID: "customer_id", Name: "full_name" } },
      Customer: { destination: "customer_1", columns: { Id: "id" } },
    },
  },
};

function rw(sql: string, mapping: NameMapping = MAPPING, options = {}) {
  return rewriteSql(sql, mapping, options);
}

Deno.test("rewriteSql() rewrites schema, table and column names of a query", () => {
  const { sql, changes } = rw("SELECT o.OrderID, o.Total FROM Sales.Orders o WHERE o.CustomerID = 1");
  assertEquals(sql, "SELECT o.order_id, o.total FROM sales_crm.orders o WHERE o.customer_id = 1");
  assertEquals(changes.map((c) => c.kind), ["column", "column", "schema", "table", "column"]);
  assertEquals(changes[2].path, ["Sales"]);
  assertEquals(changes[3].path, ["Sales", "Orders"]);
});

Deno.test("rewriteSql() replaces whole identifiers only, never part of a longer name", () => {
  const input = "SELECT OrderIDx, xOrderID, OrderID_old, Orders2, Orders$1, OrderID FROM Orders_archive";
  assertEquals(
    rw(input).sql,
    "SELECT OrderIDx, xOrderID, OrderID_old, Orders2, Orders$1, order_id FROM Orders_archive",
  );
});

Deno.test("rewriteSql() leaves string literals alone", () => {
  const cases = [
    "SELECT 'OrderID' FROM x",
    "SELECT 'it''s OrderID' FROM x",
    "SELECT 'a\\'OrderID' FROM x",
    "SELECT E'a\\'OrderID' FROM x",
    "SELECT N'OrderID', X'0F', B'01' FROM x",
    "SELECT $$ OrderID $$, $fn$ SELECT OrderID $fn$ FROM x",
  ];
  for (const input of cases) {
    const { sql, changes } = rw(input);
    assertEquals(sql, input, input);
    assertEquals(changes, []);
  }
  // After the literal, names are rewritten again.
  assertEquals(rw("SELECT 'OrderID', OrderID").sql, "SELECT 'OrderID', order_id");
  assertEquals(rw("SELECT 'it''s', OrderID").sql, "SELECT 'it''s', order_id");
});

Deno.test("rewriteSql() follows the string dialect: backslash escapes by default, standard strings on request", () => {
  // With backslash escapes, 'C:\' OrderID ' is one string; as a standard string it ends after C:\.
  const input = "SELECT 'C:\\', OrderID, '\\'";
  assertEquals(rw(input).sql, input);
  assertEquals(rw(input, MAPPING, { backslashEscapes: false }).sql, "SELECT 'C:\\', order_id, '\\'");
});

Deno.test("rewriteSql() leaves comments alone", () => {
  const input =
    "-- OrderID\nSELECT /* OrderID\nOrders */ OrderID -- Orders.OrderID\nFROM Orders /* unterminated OrderID";
  const { sql, changes } = rw(input);
  assertEquals(
    sql,
    "-- OrderID\nSELECT /* OrderID\nOrders */ order_id -- Orders.OrderID\nFROM orders /* unterminated OrderID",
  );
  assertEquals(changes.length, 2);
});

Deno.test("rewriteSql() matches quoted identifiers exactly and keeps their quoting style", () => {
  assertEquals(rw('SELECT "OrderID" FROM "Sales"."Orders"').sql, 'SELECT "order_id" FROM "sales_crm"."orders"');
  assertEquals(rw("SELECT `OrderID` FROM `Sales`.`Orders`").sql, "SELECT `order_id` FROM `sales_crm`.`orders`");
  assertEquals(rw("SELECT [Qty] FROM [Sales].[Order Details]").sql, "SELECT [qty] FROM [sales_crm].[order_details]");
  // Quoted names are case-sensitive: "orderid" is not OrderID.
  assertEquals(rw('SELECT "orderid", "ORDERS" FROM x').sql, 'SELECT "orderid", "ORDERS" FROM x');
  // Unquoted names are not: ORDERID is OrderID.
  assertEquals(rw("SELECT ORDERID, orderid FROM SALES.ORDERS").sql, "SELECT order_id, order_id FROM sales_crm.orders");
});

Deno.test("rewriteSql() reads escaped quotes inside quoted identifiers", () => {
  const mapping: NameMapping = {
    s: { destination: "s", tables: { 'say "hi"': { destination: 'say_"hi"' }, "a]b": { destination: "a]]b" } } },
  };
  assertEquals(rw('SELECT * FROM "say ""hi"""', mapping).sql, 'SELECT * FROM "say_""hi"""');
  assertEquals(rw("SELECT * FROM [a]]b]", mapping).sql, "SELECT * FROM [a]]]]b]");
  // Unterminated quoted names are left alone.
  assertEquals(rw('SELECT "OrderID').sql, 'SELECT "OrderID');
});

Deno.test("rewriteSql() understands qualified names", () => {
  // schema.table.column
  assertEquals(rw("SELECT Sales.Orders.OrderID").sql, "SELECT sales_crm.orders.order_id");
  // database.schema.table (the database part is not the connection's)
  assertEquals(rw("SELECT * FROM PROD.Sales.Orders").sql, "SELECT * FROM PROD.sales_crm.orders");
  // database.schema.table.column
  assertEquals(rw("SELECT PROD.Sales.Orders.Total").sql, "SELECT PROD.sales_crm.orders.total");
  // table.column
  assertEquals(rw("SELECT Orders.OrderID, Customers.Name").sql, "SELECT orders.order_id, customer.full_name");
  // alias.column and stars
  assertEquals(
    rw("SELECT c.Name, c.*, Sales.Orders.* FROM x c").sql,
    "SELECT c.full_name, c.*, sales_crm.orders.* FROM x c",
  );
  // A table of another schema is not this connection's table.
  assertEquals(rw("SELECT * FROM other.Orders").sql, "SELECT * FROM other.Orders");
  // Whitespace around dots.
  assertEquals(rw("SELECT Sales . Orders").sql, "SELECT sales_crm . orders");
});

Deno.test("rewriteSql() uses the qualifier to tell columns of different tables apart", () => {
  const mapping: NameMapping = {
    s: {
      destination: "s",
      tables: {
        A: { destination: "a", columns: { Code: "code_a" } },
        B: { destination: "b", columns: { Code: "code_b" } },
      },
    },
  };
  const { sql, warnings } = rw("SELECT A.Code, B.Code, Code FROM A, B", mapping);
  assertEquals(sql, "SELECT a.code_a, b.code_b, Code FROM a, b");
  assertEquals(warnings.length, 1);
  assert(warnings[0].message.includes("different destination names"), warnings[0].message);
  assertEquals([warnings[0].line, warnings[0].column], [1, 24]);
});

Deno.test("rewriteSql() reads BigQuery `dataset.table` paths inside one pair of backticks", () => {
  assertEquals(
    rw("SELECT t.OrderID FROM `project.Sales.Orders` t JOIN `Sales.Order Details` d USING (OrderID)").sql,
    "SELECT t.order_id FROM `project.sales_crm.orders` t JOIN `sales_crm.order_details` d USING (order_id)",
  );
});

Deno.test("rewriteSql() leaves keywords, functions, parameters, casts and JSON paths alone", () => {
  const mapping: NameMapping = {
    s: {
      destination: "s",
      tables: {
        T: {
          destination: "t",
          columns: { Count: "count_col", Int: "int_col", Order: "order_col", Field: "field_col", P: "p_col" },
        },
      },
    },
  };
  const input = 'SELECT COUNT(*), Count, x::Int, v:Field, @P, :P, $1, "Order" FROM T ORDER BY Count';
  assertEquals(
    rw(input, mapping).sql,
    'SELECT COUNT(*), count_col, x::Int, v:Field, @P, :P, $1, "order_col" FROM t ORDER BY count_col',
  );
});

Deno.test("rewriteSql() still rewrites a table followed by a parenthesis (INSERT INTO t (...))", () => {
  assertEquals(
    rw("INSERT INTO Sales.Orders (OrderID, Total) VALUES (1, 2)").sql,
    "INSERT INTO sales_crm.orders (order_id, total) VALUES (1, 2)",
  );
});

Deno.test("rewriteSql() quotes a destination name that cannot stand unquoted", () => {
  const mapping: NameMapping = {
    s: { destination: "s", tables: { T: { destination: "t", columns: { Amt: "Order Total" } } } },
  };
  const once = rw("SELECT Amt FROM T", mapping);
  assertEquals(once.sql, 'SELECT "Order Total" FROM t');
  assertEquals(rw(once.sql, mapping).changes, []);
});

Deno.test("rewriteSql() is idempotent: a second run changes nothing", () => {
  const inputs = [
    "SELECT o.OrderID, o.Total FROM Sales.Orders o JOIN Sales.Customers c ON c.CustomerID = o.CustomerID",
    'SELECT "Orders"."OrderID", [Order Details].Qty FROM "Sales"."Orders", [Sales].[Order Details]',
    "SELECT * FROM Customer JOIN Customers ON Customer.Id = Customers.CustomerID",
    "SELECT Name, `Sales.Orders`.Total FROM `Sales.Orders`",
  ];
  for (const input of inputs) {
    const once = rw(input);
    assert(once.changes.length > 0, input);
    const twice = rw(once.sql);
    assertEquals(twice.sql, once.sql, input);
    assertEquals(twice.changes, [], input);
  }
});

Deno.test("rewriteSql() never rewrites a destination name that is also a source name", () => {
  // Table Customers → customer, while another source table is called Customer (→ customer_1).
  const once = rw("SELECT * FROM Customers");
  assertEquals(once.sql, "SELECT * FROM customer");
  // "customer" is now a destination name; it also matches the source name Customer (unquoted, any case),
  // but it must not become customer_1 on the next run.
  const twice = rw(once.sql);
  assertEquals(twice.sql, "SELECT * FROM customer");
  assertEquals(twice.changes, []);
  assertEquals(twice.warnings.length, 1);
  assert(twice.warnings[0].message.includes("destination name of table Sales.Customers"), twice.warnings[0].message);
  // The source table Customer, spelled as its source name, is still rewritten, with a note.
  const other = rw("SELECT * FROM Customer");
  assertEquals(other.sql, "SELECT * FROM customer_1");
  assertEquals(other.warnings.length, 1);
});

Deno.test("rewriteSql() leaves swapped names (a → b, b → a) unchanged and warns", () => {
  const mapping: NameMapping = {
    s: { destination: "s", tables: { T: { destination: "t", columns: { a: "b", b: "a" } } } },
  };
  const { sql, changes, warnings } = rw("SELECT a, b FROM T", mapping);
  assertEquals(sql, "SELECT a, b FROM t");
  assertEquals(changes.length, 1);
  assertEquals(warnings.length, 2);
});

Deno.test("rewriteSql() reports positions and keeps line endings", () => {
  const { sql, changes } = rw("SELECT\r\n  OrderID\r\nFROM Orders\r\n");
  assertEquals(sql, "SELECT\r\n  order_id\r\nFROM orders\r\n");
  assertEquals(changes.map((c) => [c.line, c.column, c.from, c.to]), [[2, 3, "OrderID", "order_id"], [
    3,
    6,
    "Orders",
    "orders",
  ]]);
});

Deno.test("rewriteSql() returns the very same text when nothing changes", () => {
  const input = "SELECT 1 -- nothing here\n";
  const result = rw(input);
  assertEquals(result, { sql: input, changes: [], warnings: [] });
  assertEquals(rw("", MAPPING).sql, "");
});

Deno.test("rewriteSql() keeps every string literal and comment byte for byte (random SQL)", () => {
  // A small deterministic PRNG: random token soups must keep literals/comments and be idempotent.
  let seed = 42;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const pick = <T>(xs: T[]) => xs[Math.floor(next() * xs.length)];
  const names = [
    "Sales",
    "Orders",
    "OrderID",
    "Customers",
    "Customer",
    "customer",
    "Name",
    '"Orders"',
    "`Sales`",
    "[Order Details]",
    "o",
    "Total",
    "orders",
    "sales_crm",
    "customer_1",
  ];
  const protectedBits = [
    "'Orders.OrderID'",
    "-- OrderID Orders\n",
    "/* Sales.Orders */",
    "$$OrderID$$",
    "'it''s Name'",
  ];
  for (let n = 0; n < 300; n++) {
    const parts: string[] = [];
    const kept: string[] = [];
    for (let k = 0; k < 12; k++) {
      const r = next();
      if (r < 0.15) {
        const bit = pick(protectedBits);
        kept.push(bit);
        parts.push(bit);
      } else if (r < 0.35) {
        parts.push(`${pick(names)}.${pick(names)}`);
      } else if (r < 0.45) {
        parts.push(`${pick(names)}.${pick(names)}.${pick(names)}`);
      } else {
        parts.push(pick([...names, "SELECT", "FROM", ",", "(", ")", "=", "1"]));
      }
    }
    const input = parts.join(" ");
    const once = rw(input);
    for (const bit of kept) assert(once.sql.includes(bit), `${bit} lost in ${input} → ${once.sql}`);
    const twice = rw(once.sql);
    assertEquals(twice.sql, once.sql, `not idempotent: ${input}`);
  }
});

Deno.test("mentionedTables() lists the tables named outside strings and comments", () => {
  assertEquals(mentionedTables("SELECT * FROM Sales.Orders o -- Customers\nWHERE x = 'Customer'", MAPPING), [
    { schema: "Sales", table: "Orders" },
  ]);
  // Destination names count too (a file half rewritten), and quoted names match exactly.
  assertEquals(mentionedTables('SELECT * FROM order_details, "customers"', MAPPING), [
    { schema: "Sales", table: "Order Details" },
  ]);
});

Deno.test("cutPoint() cuts only where rewriting the pieces apart equals rewriting the whole", () => {
  const statements = [
    'SELECT o.OrderID, "Sales"."Orders".Total\nFROM Sales.Orders o;\n',
    "SELECT 'a;\nSales.Orders,\nb' AS s, Sales\n.Orders.OrderID FROM Sales.Orders;\n",
    "/* Sales.Orders;\n, */ SELECT c.CustomerID,\n  c.Name FROM Sales.Customers c;\r\n",
    "SELECT $$ ;\n Orders $$, [Order Details].Qty,\n-- Orders;\n  Orders.OrderID FROM Sales.[Order Details];\n",
    "INSERT INTO Sales.Orders (OrderID, Total) VALUES (1,\n .5),\n(2, 3);\n",
  ];
  // Every combination of statements in a few orders, cut at every cut point found, must rewrite the same.
  for (let seed = 0; seed < 40; seed++) {
    const order = statements.map((_, i) => statements[(i * (seed + 1) + seed) % statements.length]);
    const text = order.join("").repeat(1 + (seed % 3));
    const whole = rw(text);
    let rest = text;
    let pieces = "";
    let changes = 0;
    for (let cut = cutPoint(rest); cut > 0; cut = cutPoint(rest)) {
      assert.equal(rest[cut - 1], "\n", "a cut follows a line break");
      const piece = rw(rest.slice(0, cut));
      pieces += piece.sql;
      changes += piece.changes.length;
      rest = rest.slice(cut);
    }
    const last = rw(rest);
    assert.equal(pieces + last.sql, whole.sql, `seed ${seed}`);
    assert.equal(changes + last.changes.length, whole.changes.length);
  }
  assert.equal(cutPoint("SELECT 1;\nSELECT 'a;\nb' FROM t"), 10);
  assert.equal(cutPoint("SELECT Sales\n.Orders"), 0, "no boundary: no cut");
  assert.equal(cutPoint("SELECT 1;\n"), 0, "whitespace at the end may go on: no cut there");
});

Deno.test("sql_writer's file fingerprint: the same for the same bytes however they are read, another for one byte changed", async () => {
  const { digestOf, readPieces, resolveSqlFile } = await import("../recipes/_sql_file.ts");
  const dir = await Deno.makeTempDir({ prefix: "sql_digest_" });
  try {
    const path = `${dir}/big.sql`;
    const line = "SELECT id, name FROM shop.orders WHERE total > 10;\n";
    const text = line.repeat(Math.ceil((2.5 * 1024 * 1024) / line.length)); // 2.5 MiB: whole blocks and a part
    await Deno.writeTextFile(path, text);
    const first = await digestOf(path);
    assert.match(first, /^[0-9a-f]{64}$/);
    const pass = await readPieces(await resolveSqlFile(path), {}, () => {});
    assert.equal(pass.digest, first, "the piece-by-piece read and the plain read agree");
    assert.equal(await digestOf(path), first);
    const bytes = new TextEncoder().encode(text);
    bytes[1_500_000] = bytes[1_500_000] === 0x41 ? 0x42 : 0x41;
    await Deno.writeFile(path, bytes);
    assert.notEqual(await digestOf(path), first);
    await Deno.writeTextFile(path, "");
    assert.match(await digestOf(path), /^[0-9a-f]{64}$/, "an empty file has one too");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
