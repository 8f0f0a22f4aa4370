"""The search index's SQL: triggers that keep ``search_searchdocument`` in step with the findings,
audits (their briefings), themes for learning, resources and actions, and the full-text index
over it (SQLite FTS5, or a PostgreSQL tsvector column with a GIN index).

Triggers, not Django signals or services, so that every write is indexed: bulk inserts
(``maqa bench-data``), imports, raw SQL and cascading deletes included (the ADR on search in
docs/adr/ says why).

``install`` is idempotent. It runs from this app's migration and again after every ``migrate``
(``post_migrate``), because on SQLite Django rebuilds a table to alter it, which drops that
table's triggers: if any trigger was missing, the index is rebuilt too.
"""

# ruff: noqa: S608 -- every statement here is built from the constant table and column names
# above; no value from outside reaches this SQL.

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

DOC = "search_searchdocument"
COLUMNS = ("kind", "object_id", "partnership_id", "audit_id", "title", "body", "polarity")
FTS = "search_fts"

# (kind, source table, trigger name stem)
SOURCES = (
    ("finding", "findings_finding", "finding"),
    ("briefing", "audits_audit", "audit"),
    ("briefing", "findings_learningtheme", "learning"),
    ("resource", "organisations_resource", "resource"),
    ("action", "actions_action", "action"),
)


def _briefing_body(audit_id: str, *, vendor: str) -> str:
    """The text of an audit's briefing document: its aim and the titles of its themes for
    learning (the findings are documents of their own)."""
    titles = "group_concat(lt.title, ' ')" if vendor == "sqlite" else "string_agg(lt.title, ' ')"
    return (
        f"(SELECT a.aim || ' ' || coalesce((SELECT {titles} FROM findings_learningtheme lt "
        f"WHERE lt.audit_id = a.id), '') FROM audits_audit a WHERE a.id = {audit_id})"
    )


def _action_body(row: str) -> str:
    return f"{row}.description || ' ' || {row}.measure_of_success"


def rebuild_statements(vendor: str) -> list[str]:
    """Fill the documents from the sources (the caller has emptied them)."""
    return [
        f"INSERT INTO {DOC} (kind, object_id, partnership_id, audit_id, title, body, polarity) "
        "SELECT 'finding', f.id, a.partnership_id, f.audit_id, '', f.text, f.polarity "
        "FROM findings_finding f JOIN audits_audit a ON a.id = f.audit_id",
        f"INSERT INTO {DOC} (kind, object_id, partnership_id, audit_id, title, body) "
        f"SELECT 'briefing', x.id, x.partnership_id, x.id, x.theme, "
        f"{_briefing_body('x.id', vendor=vendor)} FROM audits_audit x",
        f"INSERT INTO {DOC} (kind, object_id, partnership_id, audit_id, title, body) "
        "SELECT 'resource', r.id, r.partnership_id, NULL, r.title, r.description "
        "FROM organisations_resource r",
        f"INSERT INTO {DOC} (kind, object_id, partnership_id, audit_id, title, body) "
        f"SELECT 'action', x.id, x.partnership_id, x.audit_id, '', {_action_body('x')} "
        "FROM actions_action x",
    ]


# --- SQLite -----------------------------------------------------------------------------------


def _sqlite_trigger(name: str, event: str, table: str, body: str) -> str:
    return f"CREATE TRIGGER IF NOT EXISTS {name} {event} ON {table} BEGIN {body}; END"


def sqlite_statements() -> list[str]:
    ins = f"INSERT INTO {DOC} (kind, object_id, partnership_id, audit_id, title, body)"
    ins_finding = (
        f"INSERT INTO {DOC} (kind, object_id, partnership_id, audit_id, title, body, polarity)"
    )
    briefing_new = _briefing_body("NEW.audit_id", vendor="sqlite")
    briefing_old = _briefing_body("OLD.audit_id", vendor="sqlite")
    t = _sqlite_trigger
    return [
        # External content: the text lives once, in search_searchdocument; porter stems English
        # words ("fathers" finds "father"), unicode61 folds case and accents.
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS} USING fts5(title, body, content='{DOC}', "
        "content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')",
        t("search_doc_ai", "AFTER INSERT", DOC,
          f"INSERT INTO {FTS} (rowid, title, body) VALUES (NEW.id, NEW.title, NEW.body)"),
        t("search_doc_ad", "AFTER DELETE", DOC,
          f"INSERT INTO {FTS} ({FTS}, rowid, title, body) "
          "VALUES ('delete', OLD.id, OLD.title, OLD.body)"),
        t("search_doc_au", "AFTER UPDATE", DOC,
          f"INSERT INTO {FTS} ({FTS}, rowid, title, body) "
          "VALUES ('delete', OLD.id, OLD.title, OLD.body); "
          f"INSERT INTO {FTS} (rowid, title, body) VALUES (NEW.id, NEW.title, NEW.body)"),
        # findings
        t("search_finding_ai", "AFTER INSERT", "findings_finding",
          f"{ins_finding} SELECT 'finding', NEW.id, a.partnership_id, NEW.audit_id, '', "
          "NEW.text, NEW.polarity FROM audits_audit a WHERE a.id = NEW.audit_id"),
        t("search_finding_au", "AFTER UPDATE OF text, audit_id, polarity", "findings_finding",
          f"UPDATE {DOC} SET body = NEW.text, audit_id = NEW.audit_id, polarity = NEW.polarity "
          "WHERE kind = 'finding' AND object_id = NEW.id"),
        t("search_finding_ad", "AFTER DELETE", "findings_finding",
          f"DELETE FROM {DOC} WHERE kind = 'finding' AND object_id = OLD.id"),
        # audits: their briefing document
        t("search_audit_ai", "AFTER INSERT", "audits_audit",
          f"{ins} VALUES ('briefing', NEW.id, NEW.partnership_id, NEW.id, NEW.theme, "
          f"{_briefing_body('NEW.id', vendor='sqlite')})"),
        t("search_audit_au", "AFTER UPDATE OF theme, aim", "audits_audit",
          f"UPDATE {DOC} SET title = NEW.theme, body = {_briefing_body('NEW.id', vendor='sqlite')}"
          " WHERE kind = 'briefing' AND object_id = NEW.id"),
        t("search_audit_ad", "AFTER DELETE", "audits_audit",
          f"DELETE FROM {DOC} WHERE kind = 'briefing' AND object_id = OLD.id"),
        # themes for learning: their titles are part of the briefing document
        t("search_learning_ai", "AFTER INSERT", "findings_learningtheme",
          f"UPDATE {DOC} SET body = {briefing_new} "
          "WHERE kind = 'briefing' AND object_id = NEW.audit_id"),
        t("search_learning_au", "AFTER UPDATE OF title, audit_id", "findings_learningtheme",
          f"UPDATE {DOC} SET body = {briefing_old} "
          "WHERE kind = 'briefing' AND object_id = OLD.audit_id; "
          f"UPDATE {DOC} SET body = {briefing_new} "
          "WHERE kind = 'briefing' AND object_id = NEW.audit_id"),
        t("search_learning_ad", "AFTER DELETE", "findings_learningtheme",
          f"UPDATE {DOC} SET body = {briefing_old} "
          "WHERE kind = 'briefing' AND object_id = OLD.audit_id"),
        # resources
        t("search_resource_ai", "AFTER INSERT", "organisations_resource",
          f"{ins} VALUES ('resource', NEW.id, NEW.partnership_id, NULL, NEW.title, "
          "NEW.description)"),
        t("search_resource_au", "AFTER UPDATE OF title, description", "organisations_resource",
          f"UPDATE {DOC} SET title = NEW.title, body = NEW.description "
          "WHERE kind = 'resource' AND object_id = NEW.id"),
        t("search_resource_ad", "AFTER DELETE", "organisations_resource",
          f"DELETE FROM {DOC} WHERE kind = 'resource' AND object_id = OLD.id"),
        # actions
        t("search_action_ai", "AFTER INSERT", "actions_action",
          f"{ins} VALUES ('action', NEW.id, NEW.partnership_id, NEW.audit_id, '', "
          f"{_action_body('NEW')})"),
        t("search_action_au", "AFTER UPDATE OF description, measure_of_success, audit_id",
          "actions_action",
          f"UPDATE {DOC} SET body = {_action_body('NEW')}, audit_id = NEW.audit_id "
          "WHERE kind = 'action' AND object_id = NEW.id"),
        t("search_action_ad", "AFTER DELETE", "actions_action",
          f"DELETE FROM {DOC} WHERE kind = 'action' AND object_id = OLD.id"),
    ]  # fmt: skip


SQLITE_TRIGGERS = tuple(
    f"search_{stem}_{suffix}"
    for stem in ("doc", "finding", "audit", "learning", "resource", "action")
    for suffix in ("ai", "au", "ad")
)


# --- PostgreSQL -------------------------------------------------------------------------------


def _pg_function(name: str, table: str, columns: str, body: str) -> list[str]:
    return [
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN {body} END $$",
        f"DROP TRIGGER IF EXISTS {name} ON {table}",
        f"CREATE TRIGGER {name} AFTER INSERT OR UPDATE OF {columns} OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {name}()",
    ]


def postgres_statements() -> list[str]:
    upsert = (
        f"INSERT INTO {DOC} (kind, object_id, partnership_id, audit_id, title, body) {{values}} "
        "ON CONFLICT (kind, object_id) DO UPDATE SET partnership_id = EXCLUDED.partnership_id, "
        "audit_id = EXCLUDED.audit_id, title = EXCLUDED.title, body = EXCLUDED.body;"
    )

    def gone(kind: str) -> str:
        return (
            f"IF TG_OP = 'DELETE' THEN DELETE FROM {DOC} WHERE kind = '{kind}' "
            "AND object_id = OLD.id; RETURN OLD; END IF; "
        )

    def briefing_of(ref: str) -> str:
        return (
            f"UPDATE {DOC} SET body = {_briefing_body(ref, vendor='postgresql')} "
            f"WHERE kind = 'briefing' AND object_id = {ref};"
        )

    return [
        # Weighted: a title (an audit's theme, a resource's title) counts more than body text.
        f"ALTER TABLE {DOC} ADD COLUMN IF NOT EXISTS tsv tsvector GENERATED ALWAYS AS ("
        "setweight(to_tsvector('english', coalesce(title, '')), 'A') || "
        "setweight(to_tsvector('english', coalesce(body, '')), 'B')) STORED",
        f"CREATE INDEX IF NOT EXISTS search_doc_tsv ON {DOC} USING GIN (tsv)",
        *_pg_function(
            "search_finding_sync", "findings_finding", "text, audit_id, polarity",
            gone("finding")
            + f"INSERT INTO {DOC} (kind, object_id, partnership_id, audit_id, title, body, "
            "polarity) SELECT 'finding', NEW.id, a.partnership_id, NEW.audit_id, '', NEW.text, "
            "NEW.polarity FROM audits_audit a WHERE a.id = NEW.audit_id "
            "ON CONFLICT (kind, object_id) DO UPDATE SET partnership_id = EXCLUDED.partnership_id, "
            "audit_id = EXCLUDED.audit_id, body = EXCLUDED.body, polarity = EXCLUDED.polarity; "
            "RETURN NEW;",
        ),
        *_pg_function(
            "search_audit_sync", "audits_audit", "theme, aim",
            gone("briefing") + upsert.format(
                values="SELECT 'briefing', NEW.id, NEW.partnership_id, NEW.id, NEW.theme, "
                + _briefing_body("NEW.id", vendor="postgresql")
            ) + " RETURN NEW;",
        ),
        *_pg_function(
            "search_learning_sync", "findings_learningtheme", "title, audit_id",
            "IF TG_OP <> 'INSERT' THEN " + briefing_of("OLD.audit_id") + " END IF; "
            "IF TG_OP <> 'DELETE' THEN " + briefing_of("NEW.audit_id") + " END IF; "
            "RETURN NULL;",
        ),
        *_pg_function(
            "search_resource_sync", "organisations_resource", "title, description",
            gone("resource") + upsert.format(
                values="VALUES ('resource', NEW.id, NEW.partnership_id, NULL, NEW.title, "
                "NEW.description)"
            ) + " RETURN NEW;",
        ),
        *_pg_function(
            "search_action_sync", "actions_action", "description, measure_of_success, audit_id",
            gone("action") + upsert.format(
                values="VALUES ('action', NEW.id, NEW.partnership_id, NEW.audit_id, '', "
                + _action_body("NEW") + ")"
            ) + " RETURN NEW;",
        ),
    ]  # fmt: skip


PG_TRIGGERS = tuple(
    f"search_{stem}_sync" for stem in ("finding", "audit", "learning", "resource", "action")
)


# --- install and rebuild ----------------------------------------------------------------------


def missing_triggers(connection: BaseDatabaseWrapper) -> list[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            present = {row[0] for row in cursor.fetchall()}
            return [name for name in SQLITE_TRIGGERS if name not in present]
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
            present = {row[0] for row in cursor.fetchall()}
            return [name for name in PG_TRIGGERS if name not in present]
    return []


def drop_sqlite_triggers(connection: BaseDatabaseWrapper) -> None:
    """Before a migration alters the index table on SQLite: Django rebuilds the table under
    another name and renames it, which SQLite refuses while triggers name the table."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for name in SQLITE_TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def install(connection: BaseDatabaseWrapper, *, replace: bool = False) -> bool:
    """Create what is missing (idempotent). Returns whether the index had to be rebuilt.

    ``replace`` drops the triggers first and so installs this version of every one (a migration
    that changes a trigger calls it so)."""
    if connection.vendor not in ("sqlite", "postgresql"):
        return False
    tables = set(connection.introspection.table_names())
    if not {DOC, *(table for _, table, _ in SOURCES)} <= tables:
        return False  # a partial migrate: the next full one installs it
    with connection.cursor() as cursor:
        columns = {c.name for c in connection.introspection.get_table_description(cursor, DOC)}
    if not set(COLUMNS) <= columns:
        return False  # before the migration adding a column the triggers write
    missing = missing_triggers(connection)
    if not missing and not replace:
        return False
    statements = sqlite_statements() if connection.vendor == "sqlite" else postgres_statements()
    with connection.cursor() as cursor:
        if replace:
            drop_sqlite_triggers(connection)
        for statement in statements:
            cursor.execute(statement)
    rebuild(connection)
    return True


def rebuild(connection: BaseDatabaseWrapper) -> int:
    """Empty the index and fill it again from the sources. Returns the number of documents."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # Faster than letting the delete trigger remove rows one by one.
            cursor.execute("DROP TRIGGER IF EXISTS search_doc_ad")
            cursor.execute(f"DELETE FROM {DOC}")
            cursor.execute(f"INSERT INTO {FTS} ({FTS}) VALUES ('delete-all')")
            cursor.execute(sqlite_statements()[2])  # the delete trigger again
        else:
            # TRUNCATE, not DELETE: no dead rows left for VACUUM (a seq scan reads them too).
            cursor.execute(f"TRUNCATE {DOC}")
        for statement in rebuild_statements(connection.vendor):
            cursor.execute(statement)
        if connection.vendor == "sqlite":
            cursor.execute(f"INSERT INTO {FTS} ({FTS}) VALUES ('optimize')")
        cursor.execute(f"SELECT count(*) FROM {DOC}")
        row = cursor.fetchone()
    return int(row[0]) if row else 0
