"""Which proxy an API call goes through, decided the same way for both transports.

The variables are those ``requests`` and the standard library read: ``HTTPS_PROXY`` /
``HTTP_PROXY`` for their scheme, ``ALL_PROXY`` for any scheme (upper or lower case, as
``urllib.request.getproxies`` collects them), and ``NO_PROXY`` (host names, domain suffixes,
``host:port``, IP networks in CIDR form, or ``*``) to go direct. The environment is read once,
when a client opens its connection pool (as httpx does), not on every call.
"""

import ipaddress
import urllib.request
from typing import Dict, Optional
from urllib.parse import urlsplit


def bypasses_proxy(host: str, port: Optional[int], no_proxy: str) -> bool:
    """Whether ``NO_PROXY``'s value ``no_proxy`` sends ``host`` (on ``port``) direct."""
    host = host.lower().strip("[]")
    for entry in no_proxy.replace(" ", "").lower().split(","):
        if not entry:
            continue
        if entry == "*":
            return True
        name, entry_port = entry, ""
        if entry.count(":") == 1:  # host:port (an IPv6 address has several colons)
            name, entry_port = entry.split(":")
        if entry_port and entry_port != str(port):
            continue
        name = name.strip("[]").lstrip(".")
        if "/" in name:
            try:
                if ipaddress.ip_address(host) in ipaddress.ip_network(name, strict=False):
                    return True
            except ValueError:
                pass
            continue
        if host == name or host.endswith("." + name):
            return True
    return False


class EnvProxies:
    """The proxy settings of the environment at one moment, with a per-origin answer cache."""

    def __init__(self, proxies: Optional[Dict[str, str]] = None) -> None:
        found = urllib.request.getproxies() if proxies is None else proxies
        self._proxies = {scheme.lower(): url for scheme, url in found.items()}
        self._by_origin: Dict[str, Optional[str]] = {}

    def for_url(self, url: str) -> Optional[str]:
        """The proxy URL for ``url``, or ``None`` to connect directly."""
        if not self._proxies:
            return None
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin in self._by_origin:
            return self._by_origin[origin]
        proxy = self._proxies.get(parts.scheme) or self._proxies.get("all")
        if proxy is not None and bypasses_proxy(
            parts.hostname or "", parts.port, self._proxies.get("no", "")
        ):
            proxy = None
        if proxy is not None and "://" not in proxy:
            proxy = "http://" + proxy  # "host:port", as requests reads it
        if len(self._by_origin) < 64:
            self._by_origin[origin] = proxy
        return proxy
