"""Mirror of the v1 SDK's AsyncOmnaraClient. The real one uses aiohttp, which this machine does
not have; its requests (method, path, params, JSON, headers) and parsing are the sync client's,
so each call runs the sync mirror in a worker thread and the wire stays the same."""

import asyncio

from .client import OmnaraClient


class AsyncOmnaraClient:
    def __init__(self, api_key: str, base_url: str, timeout: int = 30):
        self._sync = OmnaraClient(api_key, base_url, timeout)

    @property
    def raw(self):
        return self._sync.raw

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        await self.close()

    def __getattr__(self, name):
        method = getattr(self._sync, name)

        async def call(*args, **kwargs):
            return await asyncio.to_thread(method, *args, **kwargs)

        return call

    async def close(self):
        self._sync.close()
