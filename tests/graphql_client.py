"""A small client that posts GraphQL documents through the real HTTP stack."""

from dataclasses import dataclass
from typing import Any

from django.test import Client


@dataclass
class GraphQLResult:
    status_code: int
    data: dict[str, Any] | None
    errors: list[dict[str, Any]] | None


class GraphQLClient:
    def __init__(self, client: Client):
        self.client = client
        self.token: str | None = None

    def authenticate(self, token: str | None) -> "GraphQLClient":
        self.token = token
        return self

    def login_as(self, user) -> "GraphQLClient":
        from django.utils import timezone

        from accounts.tokens import access_token_issue

        token, _ = access_token_issue(
            user_id=user.pk, version=user.token_version, now=timezone.now()
        )
        return self.authenticate(token)

    def execute(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> GraphQLResult:
        headers = {}
        bearer = token or self.token
        if bearer:
            headers["Authorization"] = f"Bearer {bearer}"
        response = self.client.post(
            "/graphql/",
            {"query": query, "variables": variables or {}},
            content_type="application/json",
            headers=headers,
        )
        body = response.json()
        return GraphQLResult(response.status_code, body.get("data"), body.get("errors"))

    def data(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """Execute and insist on no GraphQL errors; returns `data`."""
        result = self.execute(query, variables)
        assert result.errors is None, result.errors
        assert result.data is not None
        return result.data
