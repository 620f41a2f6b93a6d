# Pause one connection and log the action, in the original's style (api_interact_main_log.py).
# Usage: python3 pause_log.py CONNECTION_ID LOG_FILE
import logging
import os
import sys
from logging.handlers import RotatingFileHandler

from colorama import Fore

from _atlas import atlas

connection_id = sys.argv[1]
log_file = sys.argv[2]
log_size = 10 * 1024 * 1024  # 10 MB

os.makedirs(os.path.dirname(log_file) or ".", exist_ok=True)
logger = logging.getLogger(__name__)
logger.setLevel(logging.INFO)
handler = RotatingFileHandler(log_file, maxBytes=log_size, backupCount=3)
logger.addHandler(handler)

method = "PATCH"
endpoint = "connections/" + connection_id
payload = {"paused": True}

response = atlas(method, endpoint, payload, logger)
if response is not None:
    print(Fore.CYAN + "Call: " + method + " " + endpoint + " " + str(payload))
    print(Fore.GREEN + "Response: " + response["code"])
    print(Fore.MAGENTA + str(response))
else:
    sys.exit(1)
