# Every connection of a group across all pages, in the original's style (api_interact_status_pagination.py).
# Usage: python3 status_pagination.py GROUP_ID [LIMIT]
import sys
from urllib.parse import quote

from colorama import Fore

from _atlas import atlas

group_id = sys.argv[1]
limit = sys.argv[2] if len(sys.argv) > 2 else "100"
method = "GET"
payload = ""
cursor = None
count = 0
pages = 0
while True:
    endpoint = "groups/" + group_id + "/connections?limit=" + limit
    if cursor:
        endpoint += "&cursor=" + quote(cursor, safe="")
    response = atlas(method, endpoint, payload)
    if response is None:
        sys.exit(1)
    pages += 1
    print(Fore.CYAN + "Call: " + method + " " + endpoint + " " + str(payload))
    print(Fore.GREEN + "Response: " + response["code"])
    for c in response["data"]["items"]:
        count += 1
        print(
            Fore.MAGENTA + "ID:" + c["id"] + " Type:" + c["service"] + " Schema:" + c["schema"]
            + Fore.BLUE + " Status:" + c["status"]["sync_state"] + " Setup:" + c["status"]["setup_state"]
            + " Paused:" + str(c["paused"]) + Fore.YELLOW + " Frequency:" + str(c["sync_frequency"])
        )
    cursor = response["data"].get("next_cursor")
    if not cursor:
        break
print(Fore.MAGENTA + str(count) + " connections in group " + group_id + ", " + str(pages) + " pages")
