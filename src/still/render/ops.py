"""One plan operation -> one flat `op.*` call (laid out later by `pyfmt`)."""

from __future__ import annotations

import re
from typing import Optional

from still import snapshot as s
from still.canon import owned_sequences
from still.ops.ddl.sa_build import key_sql
from still.render.pyfmt import py_str, py_value
from still.render.types import dialect_module
from still.written import written

_STRING_LITERAL = re.compile(r"'(?:[^']|'')*'", re.S)

# Alembic's drop_constraint has no type_ for an EXCLUDE constraint: its name finds it
_CONSTRAINT_TYPE = {"primary_key": "primary", "foreign_key": "foreignkey", "unique": "unique",
                    "check": "check", "exclude": None}
PG = "from sqlalchemy.dialects import postgresql"




class OpRenderer:
    """Renders operations for one dialect, collecting the imports the calls need."""

    def __init__(self, dialect: str, domains: Optional[dict] = None):
        self.dialect = dialect
        self.types = dialect_module(dialect)
        self.default_schema = self.types.DEFAULT_SCHEMA
        self.imports: set[str] = set()
        # (schema, name) -> Domain: a column type naming one renders as a DOMAIN
        self.domains: dict = dict(domains or {})
        # the schema just before the operation being rendered, where the caller knows it
        self.before: Optional[s.Snapshot] = None

    # -- pieces ----------------------------------------------------------------------
    def _call(self, func: str, *args: str, **kw: str | None) -> str:
        parts = list(args) + [f"{k}={v}" for k, v in kw.items() if v is not None]
        return f"{func}({', '.join(parts)})"

    def _schema(self, schema: str) -> str | None:
        return None if schema == self.default_schema else py_str(schema)

    def type_(self, col: s.Column) -> str:
        expr = self.type_text(col.type)
        if col.collation:
            expr = expr[:-1] + (", " if not expr.endswith("(") else "") + f"collation={py_str(col.collation)})"
        return expr

    def type_text(self, text: str) -> str:
        # domains are known on PostgreSQL alone, so only a snapshot with some passes them
        expr, imports = self.types.render_type(text, **({"domains": self.domains} if self.domains else {}))
        self.imports |= imports
        return expr

    def identity(self, i: s.Identity) -> str:
        ident = {"always": i.always or None, "start": i.start, "increment": i.increment,
                 "minvalue": i.minvalue, "maxvalue": i.maxvalue, "cycle": i.cycle or None,
                 "cache": i.cache if i.cache != 1 else None}
        return self._call("sa.Identity", **{k: py_value(v) for k, v in ident.items() if v is not None})

    def default(self, text: str) -> str:
        """A server default as the model gave it: a string literal as a Python string
        (`server_default="2"`), anything else as `sa.text(...)`."""
        sent = written(text)
        if _STRING_LITERAL.fullmatch(sent):
            return py_str(sent[1:-1].replace("''", "'"))
        return self._call("sa.text", py_str(sent))

    def computed(self, c: s.Computed) -> str:
        return self._call("sa.Computed", py_str(written(c.expression)), persisted=py_value(c.persisted))

    def column(self, col: s.Column, sole_key: bool = False) -> str:
        args = [py_str(col.name), self.type_(col)]
        if col.identity:
            args.append(self.identity(col.identity))
        if col.computed:
            args.append(self.computed(col.computed))
        kw = {"nullable": py_value(col.nullable)}
        # a single integer primary key autoincrements unless told not to (SERIAL on PostgreSQL);
        # SQLite decides the rowid alias from the table's shape alone
        if (sole_key and not col.autoincrement and self.types.EXPLICIT_AUTOINCREMENT
                and col.identity is None and col.default is None):
            kw["autoincrement"] = "False"
        if col.default is not None:
            kw["server_default"] = self.default(col.default)
        if col.comment is not None:
            kw["comment"] = py_str(col.comment)
        return self._call("sa.Column", *args, **kw)

    def _ref_columns(self, fk: s.ForeignKey) -> str:
        prefix = "" if fk.referred_schema == self.default_schema else f"{fk.referred_schema}."
        return py_value([f"{prefix}{fk.referred_table}.{c}" for c in fk.referred_columns])

    def _fk_options(self, fk: s.ForeignKey) -> dict:
        return {"ondelete": py_value(fk.ondelete) if fk.ondelete else None,
                "onupdate": py_value(fk.onupdate) if fk.onupdate else None,
                "match": py_value(fk.match) if fk.match else None, **self._deferrability(fk)}

    def _deferrability(self, cons) -> dict:
        return {"deferrable": "True" if cons.deferrable else None,
                "initially": py_value(cons.initially) if cons.initially else None}

    def _nnd(self, flag: bool) -> str | None:
        return "True" if flag else None

    def table_items(self, table: s.Table) -> list[str]:
        pk = table.primary_key.columns if table.primary_key else ()
        items = [self.column(c, pk == (c.name,)) for c in table.columns]
        if table.primary_key:
            items.append(self._call("sa.PrimaryKeyConstraint", *map(py_str, table.primary_key.columns),
                                    name=py_value(table.primary_key.name),
                                    **self._deferrability(table.primary_key)))
        for fk in table.foreign_keys:
            if not fk.enforced:  # follows the table (not_enforced)
                continue
            items.append(self._call("sa.ForeignKeyConstraint", py_value(list(fk.columns)), self._ref_columns(fk),
                                    name=py_value(fk.name), **self._fk_options(fk)))
        for uq in table.unique_constraints:
            items.append(self._call("sa.UniqueConstraint", *map(py_str, uq.columns), name=py_value(uq.name),
                                    postgresql_nulls_not_distinct=self._nnd(uq.nulls_not_distinct),
                                    **self._deferrability(uq)))
        for ck in table.check_constraints:
            if ck.enforced:  # a NOT ENFORCED one follows the table (not_enforced)
                items.append(self._call("sa.CheckConstraint", py_str(written(ck.expression)), name=py_value(ck.name)))
        for ex in table.exclude_constraints:
            self.imports.add(PG)
            items.append(self._call("postgresql.ExcludeConstraint", *self._exclude_parts(ex)[0],
                                    name=py_value(ex.name), **self._exclude_parts(ex)[1]))
        return items

    def not_enforced(self, schema: str, table: str, kind: str, constraint) -> str:
        """Neither SQLAlchemy's constraints nor `op.create_*` can say NOT ENFORCED
        (PostgreSQL 18): the revision says it in SQL, the very statement the plan runs,
        which a replay of the history reports as unverifiable instead of missing it."""
        from sqlalchemy.dialects import postgresql

        from still.ops import AddConstraint
        from still.ops.ddl.postgresql import statements

        before = s.Snapshot(dialect="postgresql", default_schema=self.default_schema)
        (sql,) = statements(AddConstraint(schema_name=schema, table_name=table, kind=kind, constraint=constraint),
                            before, postgresql.dialect())
        return self._call("op.execute", py_str(sql))

    def _exclude_parts(self, ex: s.ExcludeConstraint) -> tuple[list[str], dict]:
        """The (key, operator) pairs and the keyword arguments of an ExcludeConstraint."""
        ops = {e.column: e.opclass for e in ex.elements if self._opclass_by_name(e)}
        pairs = [f"({self._index_element(e, plain='sa.column')}, {py_str(e.operator)})" for e in ex.elements]
        return pairs, {"using": py_str(ex.method) if ex.method != "gist" else None,
                       "where": self._call("sa.text", py_str(written(ex.where))) if ex.where else None,
                       "ops": py_value(ops) if ops else None, **self._deferrability(ex)}

    def _opclass_by_name(self, e: s.IndexElement) -> bool:
        # SQLAlchemy writes an operator class (postgresql_ops, ops) only after a key it can
        # name: a plain column without an ordering; any other key carries it in its text
        return bool(e.opclass) and e.column is not None and not (e.descending or e.nulls)

    def _index_element(self, e: s.IndexElement, plain: str = "") -> str:
        if e.opclass and not self._opclass_by_name(e):
            return self._call("sa.text", py_str(key_sql(e)))
        if e.column is not None:
            expr = py_str(e.column) if not (e.descending or e.nulls or plain) \
                else self._call("sa.column", py_str(e.column))
        else:
            expr = self._call("sa.text", py_str(written(e.expression)))
        if e.descending:
            expr = self._call("sa.desc", expr)
        if e.nulls:
            expr = self._call(f"sa.nulls{e.nulls}", expr)
        return expr

    def index_item(self, ix: s.Index) -> str:
        """The index as an sa.Index in op.create_table's items (the table is created with it)."""
        elements, kw = self._index_parts(ix)
        return self._call("sa.Index", py_str(ix.name), elements[1:-1], **kw)

    def create_index(self, schema: str, table: str, ix: s.Index, concurrently: bool = False) -> str:
        elements, kw = self._index_parts(ix)
        kw = {"unique": kw.pop("unique"), "schema": self._schema(schema), **kw,
              "postgresql_concurrently": "True" if concurrently else None}
        return self._call("op.create_index", py_str(ix.name), py_str(table), elements, **kw)

    def _index_parts(self, ix: s.Index) -> tuple[str, dict]:
        """The keys as a list literal, and the keyword arguments, of an index."""
        kw = {"unique": "True" if ix.unique else None}
        if ix.where:
            kw[f"{self.dialect}_where"] = self._call("sa.text", py_str(written(ix.where)))
        if ix.include:
            kw["postgresql_include"] = py_value(list(ix.include))
        if ix.method:
            kw[getattr(self.types, "INDEX_METHOD_KEYWORD", "postgresql_using")] = py_str(ix.method)
        if ix.nulls_not_distinct:
            kw["postgresql_nulls_not_distinct"] = "True"
        ops = {e.column: e.opclass for e in ix.elements if self._opclass_by_name(e)}
        if ops:
            kw["postgresql_ops"] = py_value(ops)
        keys, lengths = list(ix.elements), {}
        prefix_key = getattr(self.types, "prefix_key", None)  # MySQL: a key on a column's first N characters
        for i, e in enumerate(keys):
            found = prefix_key(e.expression) if prefix_key and e.expression else None
            if found:
                keys[i] = e.model_copy(update={"column": found[0], "expression": None})
                lengths[found[0]] = found[1]
        if lengths:
            kw[self.types.INDEX_LENGTH_KEYWORD] = "{" + ", ".join(f"{py_str(k)}: {v}" for k, v in lengths.items()) + "}"
        return "[" + ", ".join(self._index_element(e) for e in keys) + "]", kw

    # -- operations ------------------------------------------------------------------
    def render(self, op) -> list[str]:
        """The flat statements for `op` (one, except a new table's indexes follow it)."""
        return getattr(self, f"_{op.op}")(op)

    def _create_schema(self, op) -> list[str]:
        return [self._call("op.create_schema", py_str(op.schema_name))]

    def _drop_schema(self, op) -> list[str]:
        return [self._call("op.drop_schema", py_str(op.schema_name))]

    def _create_table(self, op) -> list[str]:
        t = op.table
        inline = getattr(self.types, "INDEXES_IN_CREATE_TABLE", False)
        items = self.table_items(t) + ([self.index_item(ix) for ix in t.indexes] if inline else [])
        options = {f"{self.dialect}_{'engine' if k == 'engine' else 'collate'}": py_str(getattr(t.options, k))
                   for k in ("engine", "collation") if getattr(t.options, k)}
        if t.options.autoincrement:
            options["sqlite_autoincrement"] = "True"
        out = [self._call("op.create_table", py_str(t.name), *items,
                          schema=self._schema(op.schema_name),
                          comment=py_str(t.comment) if t.comment is not None else None, **options)]
        if not inline:
            out += [self.create_index(op.schema_name, t.name, ix) for ix in t.indexes]
        out += self.kept_sequences(op.schema_name, t.name, t.columns)
        return out + [self.not_enforced(op.schema_name, t.name, kind, c)
                      for kind, group in (("check", t.check_constraints), ("foreign_key", t.foreign_keys))
                      for c in group if not c.enforced]

    def _drop_table(self, op) -> list[str]:
        return [self._call("op.drop_table", py_str(op.table.name), schema=self._schema(op.schema_name))]

    def _rename_table(self, op) -> list[str]:
        return [self._call("op.rename_table", py_str(op.old_name), py_str(op.new_name),
                           schema=self._schema(op.schema_name))]

    def _set_table_comment(self, op) -> list[str]:
        existing = py_value(op.old_comment) if op.old_comment is not None else None
        if op.new_comment is None:
            return [self._call("op.drop_table_comment", py_str(op.table_name), existing_comment=existing,
                               schema=self._schema(op.schema_name))]
        return [self._call("op.create_table_comment", py_str(op.table_name), py_str(op.new_comment),
                           existing_comment=existing, schema=self._schema(op.schema_name))]

    def _set_table_options(self, op) -> list[str]:
        if op.old_options.autoincrement != op.new_options.autoincrement:
            # SQLite's AUTOINCREMENT, as Alembic sets it: batch mode recreates the table
            # with the keywords given (a block: _body lays it out as one); the name the key
            # lost to AUTOINCREMENT is given back with it
            kwargs = "{" + f'"sqlite_autoincrement": {py_value(op.new_options.autoincrement)}' + "}"
            body = "pass"
            if op.primary_key is not None and not op.new_options.autoincrement:
                body = self._call("batch_op.create_primary_key", py_str(op.primary_key.name),
                                  py_value(list(op.primary_key.columns)))
            return ["with " + self._call("op.batch_alter_table", py_str(op.table_name),
                                         schema=self._schema(op.schema_name), recreate=py_str("always"),
                                         table_kwargs=kwargs) + " as batch_op:\n" + body]
        given = {key: py_value(getattr(op.new_options, key)) for key in op.old_options.changed(op.new_options)}
        return [self._call("op.alter_table_options", py_str(op.table_name), **given,
                           schema=self._schema(op.schema_name))]

    def _add_column(self, op) -> list[str]:
        return [self._call("op.add_column", py_str(op.table_name), self.column(op.column),
                           schema=self._schema(op.schema_name))] + \
            self.kept_sequences(op.schema_name, op.table_name, (op.column,))

    def kept_sequences(self, schema: str, table: str, columns) -> list[str]:
        """A column made again (a downgrade) whose sequence had a name of its own (kept from
        an old name of the table or column) gets it back after the table or column is made."""
        naming = owned_sequences(self.dialect)
        return [self._call("op.rename_sequence", py_str(naming.sequence_name(table, c.name)), py_str(c.sequence),
                           schema=self._schema(schema)) for c in columns if c.sequence and naming]

    def _drop_column(self, op) -> list[str]:
        return [self._call("op.drop_column", py_str(op.table_name), py_str(op.column.name),
                           schema=self._schema(op.schema_name))]

    def _alter_column(self, op) -> list[str]:
        old, new = op.old, op.new
        changed = op.changed()
        kw: dict = {}
        if "nullable" in changed:
            kw["nullable"] = py_value(new.nullable)
        if "type" in changed or "collation" in changed:
            kw["type_"] = self.type_(new)
        if "default" in changed:
            kw["server_default"] = self.default(new.default) if new.default is not None else "None"
        # as in Alembic, an identity or a generation expression is given as the server default
        for field, render in (("identity", self.identity), ("computed", self.computed)):
            if field in changed:
                kw["server_default"] = render(getattr(new, field)) if getattr(new, field) else "None"
                if getattr(old, field):
                    kw["existing_server_default"] = render(getattr(old, field))
        if "autoincrement" in changed:
            kw["autoincrement"] = py_value(new.autoincrement)
        if "comment" in changed:
            kw["comment"] = py_value(new.comment)
        kw["existing_type"] = self.type_(old)
        if "nullable" not in changed:
            kw["existing_nullable"] = py_value(old.nullable)
        if "default" not in changed and old.default is not None and "existing_server_default" not in kw:
            kw["existing_server_default"] = self.default(old.default)
        if "comment" not in changed and old.comment is not None:
            kw["existing_comment"] = py_str(old.comment)
        if "autoincrement" not in changed and old.autoincrement and self.dialect == "mysql":
            kw["existing_autoincrement"] = "True"  # restated, as existing_nullable (op/mysql_restate.py)
        kw["schema"] = self._schema(op.schema_name)
        out = [self._call("op.alter_column", py_str(op.table_name), py_str(old.name), **kw)]
        return out

    def _rename_column(self, op) -> list[str]:
        return [self._call("op.alter_column", py_str(op.table_name), py_str(op.old_name),
                           new_column_name=py_str(op.new_name), **self._restated(op),
                           schema=self._schema(op.schema_name))]

    def _restated(self, op) -> dict:
        """MySQL renames a column by restating it (CHANGE), and Alembic's alter_column
        writes that from its existing_* arguments alone: without them the column would come
        back nullable, without its default and comment (op/mysql_restate.py)."""
        if self.dialect != "mysql" or self.before is None:
            return {}
        try:
            old = self.before.table(op.table_name, op.schema_name).column(op.old_name)
        except KeyError:
            return {}
        kw = {"existing_type": self.type_(old), "existing_nullable": py_value(old.nullable)}
        if old.default is not None:
            kw["existing_server_default"] = self.default(old.default)
        if old.comment is not None:
            kw["existing_comment"] = py_str(old.comment)
        if old.autoincrement:
            kw["existing_autoincrement"] = "True"
        return kw

    def _create_index(self, op) -> list[str]:
        made = self.create_index(op.schema_name, op.table_name, op.index, op.concurrently)
        return [self._concurrent(made) if op.concurrently else made]

    def _drop_index(self, op) -> list[str]:
        # outside the transaction, a rerun after a later failure finds the index gone already
        made = self._call("op.drop_index", py_str(op.index.name), table_name=py_str(op.table_name),
                          schema=self._schema(op.schema_name), if_exists="True" if op.concurrently else None,
                          postgresql_concurrently="True" if op.concurrently else None)
        return [self._concurrent(made) if op.concurrently else made]

    def _concurrent(self, call: str) -> str:
        """A CONCURRENTLY index call in the block it must run in (outside the transaction)."""
        from still.render.plan import AUTOCOMMIT

        return AUTOCOMMIT + call

    def _add_constraint(self, op) -> list[str]:
        c, table, schema = op.constraint, py_str(op.table_name), self._schema(op.schema_name)
        using = py_str(op.using_index) if getattr(op, "using_index", None) else None
        if op.kind == "primary_key":
            return [self._call("op.create_primary_key", py_value(c.name), table, py_value(list(c.columns)),
                               schema=schema, **self._deferrability(c), postgresql_using_index=using)]
        if op.kind == "unique":
            return [self._call("op.create_unique_constraint", py_value(c.name), table, py_value(list(c.columns)),
                               schema=schema, postgresql_nulls_not_distinct=None if using else self._nnd(
                                   c.nulls_not_distinct), **self._deferrability(c), postgresql_using_index=using)]
        if op.kind == "exclude":
            pairs, kw = self._exclude_parts(c)
            return [self._call("op.create_exclude_constraint", py_value(c.name), table, *pairs, **kw,
                               schema=schema)]
        if not getattr(c, "enforced", True):
            return [self.not_enforced(op.schema_name, op.table_name, op.kind, c)]
        not_valid = "True" if getattr(op, "not_valid", False) else None
        if op.kind == "check":
            return [self._call("op.create_check_constraint", py_value(c.name), table, py_str(written(c.expression)),
                               schema=schema, postgresql_not_valid=not_valid)]
        return [self._call("op.create_foreign_key", py_value(c.name), table, py_str(c.referred_table),
                           py_value(list(c.columns)), py_value(list(c.referred_columns)),
                           **self._fk_options(c), source_schema=schema,
                           referent_schema=self._schema(c.referred_schema), postgresql_not_valid=not_valid)]

    def _validate_constraint(self, op) -> list[str]:
        # a later transaction than the ADD ... NOT VALID: its lock is not held through the scan
        return ["with op.get_context().autocommit_block():\n"
                + self._call("op.validate_constraint", py_str(op.constraint.name), py_str(op.table_name),
                             schema=self._schema(op.schema_name))]

    def _rename_constraint(self, op) -> list[str]:
        return [self._call("op.rename_constraint", py_str(op.old_name), py_str(op.table_name), py_str(op.new_name),
                           type_=self._constraint_type(op.kind), schema=self._schema(op.schema_name))]

    def _constraint_type(self, kind: str) -> Optional[str]:
        return py_str(_CONSTRAINT_TYPE[kind]) if _CONSTRAINT_TYPE[kind] else None

    def _rename_index(self, op) -> list[str]:
        return [self._call("op.rename_index", py_str(op.old_name), py_str(op.table_name), py_str(op.new_name),
                           schema=self._schema(op.schema_name))]

    def _drop_constraint(self, op) -> list[str]:
        # an unnamed constraint (SQLite) is told from its siblings by what it holds
        which = {}
        if op.constraint.name is None and op.kind == "check":
            which["condition"] = py_str(op.constraint.expression)
        elif op.constraint.name is None and op.kind != "primary_key":
            which["columns"] = py_value(list(op.constraint.columns))
        return [self._call("op.drop_constraint", py_value(op.constraint.name), py_str(op.table_name),
                           type_=self._constraint_type(op.kind), **which, schema=self._schema(op.schema_name))]

    def _create_enum(self, op) -> list[str]:
        return [self._call("op.create_enum", py_str(op.enum.name), py_value(list(op.enum.values)),
                           schema=self._schema(op.schema_name))]

    def _drop_enum(self, op) -> list[str]:
        return [self._call("op.drop_enum", py_str(op.enum.name), schema=self._schema(op.schema_name))]

    def _add_enum_value(self, op) -> list[str]:
        made = self._call("op.add_enum_value", py_str(op.enum_name), py_str(op.value),
                          before=py_str(op.before) if op.before else None, schema=self._schema(op.schema_name),
                          if_not_exists="True" if op.if_not_exists else None)
        if not op.if_not_exists:
            return [made]
        from still.render.plan import AUTOCOMMIT  # committed before the revision uses the value

        return [AUTOCOMMIT + made]

    def _replace_enum(self, op) -> list[str]:
        return [self._call("op.replace_enum", py_str(op.enum_name), py_value(list(op.old_values)),
                           py_value(list(op.new_values)), schema=self._schema(op.schema_name))]

    def _domain_checks(self, checks) -> str:
        return "{" + ", ".join(f"{py_str(c.name)}: {py_str(written(c.expression))}" for c in checks) + "}"

    def _create_domain(self, op) -> list[str]:
        d = op.domain
        return [self._call("op.create_domain", py_str(d.name), self.type_text(d.type),
                           not_null="True" if d.not_null else None,
                           default=self.default(d.default) if d.default is not None else None,
                           checks=self._domain_checks(d.checks) if d.checks else None,
                           collation=py_str(d.collation) if d.collation else None,
                           schema=self._schema(op.schema_name))]

    def _drop_domain(self, op) -> list[str]:
        return [self._call("op.drop_domain", py_str(op.domain.name), schema=self._schema(op.schema_name))]

    def _alter_domain(self, op) -> list[str]:
        old, new = op.old, op.new
        kw = {}
        if old.default != new.default:
            kw["default"] = self.default(new.default) if new.default is not None else "None"
        if old.not_null != new.not_null:
            kw["not_null"] = py_value(new.not_null)
        if old.checks != new.checks:
            kw["checks"] = self._domain_checks(new.checks)
        return [self._call("op.alter_domain", py_str(new.name), **kw, schema=self._schema(op.schema_name))]

    def _create_sequence(self, op) -> list[str]:
        q = op.sequence
        extra = {"minvalue": q.minvalue, "maxvalue": q.maxvalue, "cycle": q.cycle or None,
                 "cache": q.cache if q.cache != 1 else None}
        return [self._call("op.create_sequence", py_str(q.name), start=str(q.start), increment=str(q.increment),
                           schema=self._schema(op.schema_name),
                           **{k: py_value(v) for k, v in extra.items() if v is not None})]

    def _alter_sequence(self, op) -> list[str]:
        changed = {k: getattr(op.new, k) for k in ("start", "increment", "minvalue", "maxvalue", "cycle", "cache")
                   if getattr(op.new, k) != getattr(op.old, k)}
        return [self._call("op.alter_sequence", py_str(op.new.name), schema=self._schema(op.schema_name),
                           **{k: py_value(v) for k, v in changed.items()})]

    def _drop_sequence(self, op) -> list[str]:
        return [self._call("op.drop_sequence", py_str(op.sequence.name), schema=self._schema(op.schema_name))]

    def _rename_sequence(self, op) -> list[str]:
        # the column that owns it is found by its name when the revision runs
        return [self._call("op.rename_sequence", py_str(op.old_name), py_str(op.new_name),
                           schema=self._schema(op.schema_name))]
