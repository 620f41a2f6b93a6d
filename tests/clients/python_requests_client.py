#!/usr/bin/env python3
"""A client the project did not write: Debian's python3-requests, driving the sandbox like the original
Python scripts drove the live API. Reads FIVETRAN_BASE_URL, FIVETRAN_API_KEY and FIVETRAN_API_SECRET; prints one
line per check and exits 1 on the first failure."""
import os
import sys

import requests

BASE = os.environ["FIVETRAN_BASE_URL"]
AUTH = (os.environ["FIVETRAN_API_KEY"], os.environ["FIVETRAN_API_SECRET"])
HEADERS = {"Accept": "application/json;version=2", "User-Agent": "python-requests-sandbox-check"}
session = requests.Session()
session.auth = AUTH
session.headers.update(HEADERS)


def check(what, cond, detail=""):
    print(("ok   " if cond else "FAIL ") + what + (": " + str(detail) if detail and not cond else ""))
    if not cond:
        sys.exit(1)


# Paging: every group, following next_cursor (requests URL-encodes the cursor in params).
groups, cursor = [], None
while True:
    params = {"limit": 2}
    if cursor:
        params["cursor"] = cursor
    r = session.get(f"{BASE}/groups", params=params)
    check("GET /groups answers 200", r.status_code == 200, r.text)
    data = r.json()["data"]
    groups += data["items"]
    cursor = data.get("next_cursor")
    if not cursor:
        break
check("paging lists every group", len(groups) == 5, len(groups))

r = session.post(f"{BASE}/groups", json={"name": "python_requests_group"})
check("POST /groups answers 201", r.status_code == 201, r.text)
group_id = r.json()["data"]["id"]

# The original scripts sent string booleans and explicit nulls; the live API takes them.
r = session.post(
    f"{BASE}/connections",
    json={
        "group_id": group_id,
        "service": "sql_server_rds",
        "paused": "true",
        "data_delay_threshold": None,
        "config": {"schema_prefix": "py_rds", "host": "rds.example", "port": "1433", "user": "u", "password": "pw"},
    },
)
check("POST /connections (sql_server_rds, string boolean) answers 201", r.status_code == 201, r.text)
conn = r.json()["data"]
check("paused came back a boolean", conn["paused"] is True, conn["paused"])
check("password is masked", conn["config"]["password"] == "******", conn["config"])

r = session.get(f"{BASE}/connections/{conn['id']}/schemas")
check("GET schemas answers 200", r.status_code == 200, r.text)

r = session.patch(f"{BASE}/connections/{conn['id']}", json={"paused": False, "sync_frequency": "60"})
check("PATCH connection answers 200", r.status_code == 200, r.text)
check("sync_frequency is 60", r.json()["data"]["sync_frequency"] == 60, r.text)

r = session.get(f"{BASE}/connections/no_such_connection")
check("unknown connection is 404 NotFound_Connection", r.status_code == 404 and r.json()["code"] == "NotFound_Connection", r.text)

r = session.post(f"{BASE}/groups", data="{not json", headers={"Content-Type": "application/json"})
check("malformed JSON is 400 InvalidInput", r.status_code == 400 and r.json()["code"] == "InvalidInput", r.text)

r = session.delete(f"{BASE}/groups/{group_id}")
check("DELETE group answers 200", r.status_code == 200, r.text)
print("python-requests: all checks passed")
