class OmnaraError(Exception):
    pass


class AuthenticationError(OmnaraError):
    pass


class TimeoutError(OmnaraError):  # noqa: A001 - the SDK's own name
    pass


class APIError(OmnaraError):
    def __init__(self, status_code: int, detail):
        self.status_code = status_code
        self.detail = detail
        super().__init__(f"API Error {status_code}: {detail}")
