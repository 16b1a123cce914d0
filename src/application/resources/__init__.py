"""The resource pattern: a declarative `ResourceSpec` and the CRUD use cases built from it."""

from application.resources.crud import Crud
from application.resources.spec import Access, AuditTrail, ResourceSpec, named_customer

__all__ = ["Access", "AuditTrail", "Crud", "ResourceSpec", "named_customer"]
