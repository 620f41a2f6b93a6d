# The original framework's atlas() (Fivetran Professional Services' Python "API framework"), as its README
# shows it: requests with HTTP Basic auth, colorama colours, None on failure. Only the base URL and the
# credentials come from the environment here (the original hard-codes them), so the benchmark can point it
# at the sandbox. Used by bench/startup.ts as the baseline; not part of the toolkit.
import os

import requests
from requests.auth import HTTPBasicAuth

api_key = os.environ["FIVETRAN_API_KEY"]
api_secret = os.environ["FIVETRAN_API_SECRET"]
base_url = os.environ.get("FIVETRAN_BASE_URL", "https://api.fivetran.com/v1")
a = HTTPBasicAuth(api_key, api_secret)


def atlas(method, endpoint, payload, logger=None):
    h = {"Accept": "application/json;version=2"}
    url = f"{base_url}/{endpoint}"
    try:
        if method == "GET":
            response = requests.get(url, headers=h, auth=a)
        elif method == "POST":
            response = requests.post(url, headers=h, json=payload, auth=a)
        elif method == "PATCH":
            response = requests.patch(url, headers=h, json=payload, auth=a)
        elif method == "DELETE":
            response = requests.delete(url, headers=h, auth=a)
        else:
            raise ValueError("Invalid request method.")
        response.raise_for_status()
        if logger is not None:
            logger.info(f"Successful {method} request to {url}")
        return response.json()
    except requests.exceptions.RequestException as e:
        if logger is not None:
            logger.error(f"Request failed: {e}")
        print(f"Request failed: {e}")
        return None
