# One connection's status, in the original's style (api_interact_connector_status.py).
# Usage: python3 connector_status.py CONNECTION_ID
import sys

from colorama import Fore

from _atlas import atlas

connection_id = sys.argv[1]
method = "GET"
endpoint = "connections/" + connection_id
payload = ""

response = atlas(method, endpoint, payload)
if response is not None:
    print(Fore.CYAN + "Call: " + method + " " + endpoint + " " + str(payload))
    print(Fore.GREEN + "Response: " + response["code"])
    c = response["data"]
    print(Fore.MAGENTA + "Connection: " + c["id"] + " Type:" + c["service"] + " Schema:" + c["schema"])
    print(
        Fore.BLUE + "Setup:" + c["status"]["setup_state"] + " Sync:" + c["status"]["sync_state"]
        + " Paused:" + str(c["paused"]) + Fore.YELLOW + " Frequency:" + str(c["sync_frequency"])
    )
else:
    sys.exit(1)
