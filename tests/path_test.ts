// lib/_path.ts: dirname and basename on strings, as node:path gives them (which the recipes no longer load).
import assert from "node:assert/strict";
import { basename as nodeBasename, dirname as nodeDirname } from "node:path";
import { basename, dirname } from "../lib/_path.ts";

const CASES = [
  "logs/fivetran.log",
  "fivetran.log",
  "/x",
  "/",
  "",
  "a/b/",
  ".",
  "..",
  "a/.",
  "/a/b/c.sql",
  "./q.sql",
  "dir/",
];

Deno.test("basename() and dirname() give what node:path gives for the paths the recipes write", () => {
  for (const path of CASES) {
    assert.equal(basename(path), nodeBasename(path), `basename ${JSON.stringify(path)}`);
    assert.equal(dirname(path), nodeDirname(path), `dirname ${JSON.stringify(path)}`);
  }
  for (const path of ["a//b//", "//a", "x///y.sql"]) assert.equal(basename(path), nodeBasename(path), path);
});

Deno.test("dirname() counts a run of separators as one, where node:path keeps some", () => {
  assert.equal(dirname("a//b//"), "a");
  assert.equal(dirname("//a"), "/");
  assert.equal(dirname("x///y.sql"), "x");
});
