"""The REST API at /api/v1/ (django-ninja): thin doors into selectors and services."""

from ninja import NinjaAPI

api = NinjaAPI(title="luodi", version="1", urls_namespace="api")
