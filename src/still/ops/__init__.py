"""The operations a plan is made of: a pydantic discriminated union on `op`.

Each operation carries what it needs to be reversed (`reverse()`), applies to a snapshot
without a database (`apply()`), and is compiled to DDL per dialect elsewhere in this package.
"""

from __future__ import annotations

from typing import Annotated, Union

from pydantic import Field, TypeAdapter

from still.ops.base import OperationBase
from still.ops.columns import AddColumn, AlterColumn, DropColumn, RenameColumn
from still.ops.constraints import AddConstraint, DropConstraint, RenameConstraint, ValidateConstraint
from still.ops.indexes import CreateIndex, DropIndex, RenameIndex
from still.ops.schemas import CreateSchema, DropSchema
from still.ops.tables import CreateTable, DropTable, RenameTable, SetTableComment, SetTableOptions
from still.ops.types import (AddEnumValue, AlterDomain, AlterSequence, CreateDomain, CreateEnum,
                             CreateSequence, DropDomain, DropEnum, DropSequence, RenameSequence, ReplaceEnum)

Operation = Annotated[
    Union[
        CreateSchema, DropSchema, CreateTable, DropTable, RenameTable, SetTableComment, SetTableOptions,
        AddColumn, DropColumn, AlterColumn, RenameColumn, CreateIndex, DropIndex, RenameIndex,
        AddConstraint, DropConstraint, RenameConstraint, ValidateConstraint, CreateEnum, DropEnum, AddEnumValue, ReplaceEnum,
        CreateDomain, DropDomain, AlterDomain, CreateSequence, AlterSequence, DropSequence, RenameSequence,
    ],
    Field(discriminator="op"),
]

operation_adapter: TypeAdapter = TypeAdapter(Operation)

__all__ = [
    "Operation", "OperationBase", "operation_adapter",
    "CreateSchema", "DropSchema", "CreateTable", "DropTable", "RenameTable", "SetTableComment",
    "SetTableOptions", "AddColumn", "DropColumn", "AlterColumn", "RenameColumn", "CreateIndex", "DropIndex", "RenameIndex",
    "AddConstraint", "DropConstraint", "RenameConstraint", "ValidateConstraint", "CreateEnum", "DropEnum", "AddEnumValue", "ReplaceEnum",
    "CreateDomain", "DropDomain", "AlterDomain", "CreateSequence", "AlterSequence", "DropSequence",
    "RenameSequence",
]
