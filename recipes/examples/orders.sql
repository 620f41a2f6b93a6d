-- Orders per customer, written against the source's names (the sandbox's steady_orchard connection).
-- Try: deno run -P recipes/sql_writer.ts --connection-id steady_orchard --file recipes/examples/orders.sql --dry-run
SELECT c.CustomerID, c."FirstName", COUNT(o.OrderID) AS orders, 'sales.Orders' AS source
FROM sales.Orders o
JOIN "sales"."Customers" c ON c.CustomerID = o.CustomerID
WHERE o.OrderDate > '2024-01-01' /* OrderDate stays: a comment */
GROUP BY c.CustomerID, c."FirstName";
