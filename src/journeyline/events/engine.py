"""The engines that run the analytics SQL: DuckDB (embedded, default) and Apache Spark.

Every metric is written once as SQL over the normalised events table. What differs
between DuckDB and Spark SQL lives in one place, the `Dialect` table below.

Spark is driven through Spark SQL (not Ibis): funnels need framed window aggregates
(`MIN(...) OVER (... ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)`), ordered list
aggregation and exact percentiles, which Spark SQL and DuckDB both express directly;
writing the SQL ourselves keeps one text per metric and the two engines provably alike.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

from journeyline.errors import InvalidInput, UsageError
from journeyline.events.connect import connect_duckdb
from journeyline.events.vendors import explain_read_error


class EngineName(StrEnum):
    """Which engine runs the analyses."""

    duckdb = "duckdb"
    spark = "spark"


@dataclass(frozen=True)
class Dialect:
    """The SQL that differs between engines; everything else is shared text."""

    name: str
    quote_char: str
    string_type: str
    escape_backslash: bool
    regex_template: str
    parse_ts_template: str
    epoch_us_template: str
    quantile_template: str
    quantiles_template: str
    int_div_template: str
    ordered_list_template: str
    any_order_list_template: str
    decode_path_template: str
    path_steps_template: str
    row_ids_template: str

    def ident(self, name: str) -> str:
        """A quoted identifier (column or table name)."""
        q = self.quote_char
        return f"{q}{name.replace(q, q + q)}{q}"

    def lit(self, value: str) -> str:
        """A string literal."""
        text = value.replace("\\", "\\\\") if self.escape_backslash else value
        return "'" + text.replace("'", "\\'" if self.escape_backslash else "''") + "'"

    def regex(self, expr: str, pattern: str) -> str:
        """True when the regular expression `pattern` matches somewhere in `expr`."""
        return self.regex_template.format(e=expr, p=self.lit(pattern))

    def parse_ts_us(self, expr: str) -> str:
        """Microseconds since 1970 UTC of a timestamp string (naive means UTC), or NULL."""
        return self.parse_ts_template.format(e=expr)

    def epoch_us(self, expr: str) -> str:
        """Microseconds since 1970 UTC of a timestamp value."""
        return self.epoch_us_template.format(e=expr)

    def quantile(self, expr: str, q: float) -> str:
        """Exact quantile with linear interpolation between the closest ranks."""
        return self.quantile_template.format(e=expr, q=q)

    def quantiles(self, expr: str, qs: tuple[float, ...]) -> str:
        """Several exact quantiles in one pass, as a list (NULL when there are no values)."""
        return self.quantiles_template.format(e=expr, qs=", ".join(str(q) for q in qs))

    def any_order_list(self, value: str) -> str:
        """Aggregate `value` into a list in whatever order the engine meets the rows."""
        return self.any_order_list_template.format(v=value)

    def decode_path(self, codes: str, span: int) -> str:
        """A path from a list of `position * span + event` codes in any order: the codes
        sorted (so by position), each turned back into its event id (`code % span`)."""
        return self.decode_path_template.format(c=codes, n=int(span))

    def row_ids(self, key: str) -> str:
        """1, 2, 3 … over a relation's rows, one id per row. DuckDB numbers them in any
        order (no sort); Spark needs an order for `row_number`, so there `key` orders them."""
        return self.row_ids_template.format(k=key)

    def path_steps(self, table: str) -> str:
        """A relation with one row per step of each path in `table` (columns `pid`, `path`,
        `units`): `pid`, `units`, `i` (1-based), the step's event `a`, the next one `b` (NULL last)."""
        return self.path_steps_template.format(t=table)

    def int_div(self, a: str, b: str) -> str:
        """Integer division."""
        return self.int_div_template.format(a=a, b=b)

    def ordered_list(self, value: str, order: str) -> str:
        """Aggregate `value` into a list ordered by `order`."""
        return self.ordered_list_template.format(v=value, k=order)


DUCKDB = Dialect(
    name="duckdb",
    quote_char='"',
    string_type="VARCHAR",
    escape_backslash=False,
    regex_template="regexp_matches({e}, {p})",
    parse_ts_template="epoch_us(TRY_CAST({e} AS TIMESTAMPTZ))",
    epoch_us_template="epoch_us({e})",
    quantile_template="quantile_cont({e}, {q})",
    quantiles_template="quantile_cont({e}, [{qs}])",
    int_div_template="({a} // {b})",
    ordered_list_template="list({v} ORDER BY {k})",
    any_order_list_template="list({v})",
    decode_path_template="list_transform(list_sort({c}), lambda x: x % {n})",
    row_ids_template="row_number() OVER ()",
    path_steps_template=(
        "(SELECT pid, units, i, path[i] AS a, path[i + 1] AS b FROM "
        "(SELECT pid, units, path, unnest(range(1, len(path) + 1)) AS i FROM {t}) x)"
    ),
)

SPARK = Dialect(
    name="spark",
    quote_char="`",
    string_type="STRING",
    escape_backslash=True,
    regex_template="({e} RLIKE {p})",
    parse_ts_template="unix_micros(TRY_CAST({e} AS TIMESTAMP))",
    epoch_us_template="unix_micros(CAST({e} AS TIMESTAMP))",
    quantile_template="percentile({e}, {q})",
    quantiles_template="percentile({e}, array({qs}))",
    int_div_template="({a} DIV {b})",
    ordered_list_template=(
        "transform(array_sort(collect_list(named_struct('k', {k}, 'v', {v}))), x -> x.v)"
    ),
    any_order_list_template="collect_list({v})",
    decode_path_template="transform(array_sort({c}), x -> x % {n})",
    row_ids_template="row_number() OVER (ORDER BY {k})",
    path_steps_template=(
        "(SELECT pid, units, i + 1 AS i, a, element_at(path, i + 2) AS b "
        "FROM {t} LATERAL VIEW posexplode(path) x AS i, a)"
    ),
)


class Engine(Protocol):
    """What the analytics need from an engine: load a file, run SQL, fetch rows."""

    dialect: Dialect
    concurrent: bool
    """Whether independent analyses may run at once, from several threads."""

    def source_schema(self, path: Path, fmt: str) -> list[tuple[str, str]]:
        """Columns of a file as (name, kind); kind is string, integer, float, timestamp, timestamptz or other."""
        ...

    def create_source(self, path: Path, fmt: str, columns: list[str]) -> str:
        """Expose the file's columns (plus `__seq`, the 0-based file order) as a relation; return its name."""
        ...

    def materialize(self, name: str, select_sql: str) -> None:
        """Run a SELECT and keep its result as a table called `name`."""
        ...

    def drop(self, name: str) -> None:
        """Forget a table made by `materialize`."""
        ...

    def fetch(self, sql: str) -> list[tuple[Any, ...]]:
        """Run a query and return all rows."""
        ...

    def close(self) -> None:
        """Release the engine's resources."""
        ...


def _kind_of(type_name: str) -> str:
    t = type_name.upper()
    if "WITH TIME ZONE" in t or t == "TIMESTAMPTZ":
        return "timestamptz"
    if t.startswith("TIMESTAMP") or t in {"DATE", "DATETIME"}:
        return "timestamp"
    if t in {
        "TINYINT",
        "SMALLINT",
        "INTEGER",
        "BIGINT",
        "HUGEINT",
        "UTINYINT",
        "USMALLINT",
        "UINTEGER",
        "UBIGINT",
        "INT",
        "LONG",
        "SHORT",
        "BYTE",
    }:
        return "integer"
    if t in {"FLOAT", "DOUBLE", "REAL"} or t.startswith("DECIMAL"):
        return "float"
    if t in {"VARCHAR", "STRING", "TEXT"}:
        return "string"
    return "other"


def _session(con: Any) -> Any:
    """Settings every DuckDB connection and cursor of an engine runs with."""
    con.execute("SET TimeZone = 'UTC'")
    con.execute("SET preserve_insertion_order = true")
    con.execute("SET enable_progress_bar = false")  # the CLI shows its own
    return con


class DuckDBEngine:
    """The embedded default: no server, one process, spills to disk past its memory limit.

    Queries from another thread than the one that opened the engine run on a cursor of
    their own (DuckDB's way to share one database between threads), so independent
    analyses can run at once: one query's single-threaded stretches (a quantile's final
    selection, writing a result) then leave no core idle.
    """

    dialect = DUCKDB
    concurrent = True

    def __init__(self, memory_limit: str | None = None, threads: int | None = None) -> None:
        import duckdb

        self._duckdb = duckdb
        self.con = connect_duckdb()
        _session(self.con)
        limit = memory_limit or os.environ.get("JOURNEYLINE_DUCKDB_MEMORY", "3GB")
        self.con.execute(f"SET memory_limit = '{limit}'")
        if threads:
            self.con.execute(f"SET threads = {int(threads)}")
        self._owner = threading.get_ident()
        self._local = threading.local()
        self._cursors: list[Any] = []
        self._lock = threading.Lock()
        self._source: tuple[Path, str] | None = None
        """The file behind `src`: its read errors surface when queries run."""
        self._lenient_csv: set[Path] = set()
        """CSV files read without strict mode (mixed line endings defeat the sniffer)."""

    def _connection(self) -> Any:
        """The connection for the calling thread: the engine's own, or that thread's cursor."""
        if threading.get_ident() == self._owner:
            return self.con
        cursor = getattr(self._local, "cursor", None)
        if cursor is None:
            with self._lock:
                cursor = self._local.cursor = _session(self.con.cursor())
                self._cursors.append(cursor)
        return cursor

    def _reader(self, path: Path, fmt: str) -> str:
        p = self.dialect.lit(str(path))
        if fmt == "csv":
            lenient = ", strict_mode = false" if path in self._lenient_csv else ""
            return f"read_csv({p}, header = true, all_varchar = true{lenient})"
        if fmt == "parquet":
            return f"read_parquet({p}, file_row_number = true)"
        if fmt == "flat":
            return f"read_parquet({p}, file_row_number = true)"
        if fmt == "jsonl":
            return f"read_json({p}, format = 'newline_delimited')"
        if fmt == "xes":
            from journeyline.events.xes import xes_as_parquet

            return f"read_parquet({self.dialect.lit(str(xes_as_parquet(path)))})"
        raise UsageError(f"unknown event file format '{fmt}'")

    def _run(self, sql: str, path: Path | None = None, fmt: str = "") -> Any:
        try:
            return self._connection().execute(sql)
        except self._duckdb.Error as error:
            if path is None and self._source and str(self._source[0]) in str(error):
                path, fmt = self._source
            if path is not None:
                raise InvalidInput(explain_read_error(str(error), path, fmt)) from error
            first = (
                str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            )
            raise InvalidInput(f"cannot run the analysis ({first})") from error

    def source_schema(self, path: Path, fmt: str) -> list[tuple[str, str]]:
        """Columns of the file without reading it whole.

        A CSV whose dialect DuckDB cannot sniff in strict mode (typically mixed line
        endings) is read again without it."""
        describe = f"DESCRIBE SELECT * FROM {self._reader(path, fmt)}"
        if fmt == "csv":
            try:
                rows = self._connection().execute(describe).fetchall()
            except self._duckdb.Error:
                self._lenient_csv.add(path)
                describe = f"DESCRIBE SELECT * FROM {self._reader(path, fmt)}"
                rows = self._run(describe, path, fmt).fetchall()
        else:
            rows = self._run(describe, path, fmt).fetchall()
        hidden = {"file_row_number"} if fmt in {"parquet", "flat"} else set()
        return [(str(r[0]), _kind_of(str(r[1]))) for r in rows if str(r[0]) not in hidden]

    def copy_to_parquet(self, path: Path, fmt: str, target: Path) -> None:
        """Write every column of a flat file (CSV as text, as it is read) to one Parquet file,
        in file order: an event source converts an upload once this way."""
        self.source_schema(path, fmt)  # decides strict or lenient CSV reading
        hidden = " EXCLUDE (file_row_number)" if fmt == "parquet" else ""
        self._run(
            f"COPY (SELECT *{hidden} FROM {self._reader(path, fmt)}) "
            f"TO {self.dialect.lit(str(target))} (FORMAT parquet)",
            path,
            fmt,
        )

    def create_source(self, path: Path, fmt: str, columns: list[str]) -> str:
        """Read only the needed columns, with `__seq` the 0-based row number in file order.

        Parquet: the reader's own `file_row_number`, so the scan stays parallel. XES:
        numbered while parsing. CSV and JSON: `row_number() OVER ()`, which DuckDB runs
        as a streaming window; that operator is order-dependent, so with
        `preserve_insertion_order` (set in `_session`) its pipeline reads the file in order
        (checked on 20 M CSV rows at 2 and 4 threads).
        """
        cols = ", ".join(self.dialect.ident(c) for c in columns)
        if fmt == "parquet":
            seq = "file_row_number"
        elif fmt == "flat":
            # A converted log keeps every record in file order and has no `__seq` column,
            # unless the vendor's rules left rows out (see vendors._convert).
            names = {name for name, _ in self.source_schema(path, fmt)}
            seq = "__seq" if "__seq" in names else "file_row_number"
        elif fmt == "xes":
            seq = "__seq"
        else:
            seq = "row_number() OVER () - 1"
        self._source = (path, fmt)
        self._run(
            "CREATE OR REPLACE TEMP VIEW src AS SELECT "
            f"{seq} AS __seq, {cols} FROM {self._reader(path, fmt)}",
            path,
            fmt,
        )
        return "src"

    def materialize(self, name: str, select_sql: str) -> None:
        """CREATE TABLE … AS SELECT."""
        self._run(f"CREATE OR REPLACE TABLE {name} AS {select_sql}")

    def drop(self, name: str) -> None:
        """DROP the table."""
        self._run(f"DROP TABLE IF EXISTS {name}")

    def fetch(self, sql: str) -> list[tuple[Any, ...]]:
        """All rows as tuples."""
        return [tuple(r) for r in self._run(sql).fetchall()]

    def close(self) -> None:
        """Close the connection and its threads' cursors."""
        for cursor in self._cursors:
            cursor.close()
        self.con.close()


class SparkEngine:
    """Apache Spark through Spark SQL: the same queries, for logs that outgrow one machine.

    A local session (`local[2]`) starts in a few seconds; a cluster is reached through
    its master URL. Sessions use UTC and non-ANSI casts so that unparsable values
    become NULL exactly as in DuckDB's TRY_CAST.
    """

    dialect = SPARK
    concurrent = False

    def __init__(self, master: str = "local[2]", app_name: str = "journeyline") -> None:
        try:
            from pyspark.sql import SparkSession
        except ImportError as error:
            raise UsageError(
                "the Spark engine needs pyspark: pip install 'journeyline[spark]' (and Java 17)"
            ) from error
        if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
            raise UsageError(
                "the Spark engine needs Java 17 (e.g. apt-get install openjdk-17-jre-headless)"
            )
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        os.environ.setdefault("PYARROW_IGNORE_TIMEZONE", "1")
        builder = (
            SparkSession.builder.master(master)
            .appName(app_name)
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.log.structuredLogging.enabled", "false")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.ansi.enabled", "false")
            .config("spark.sql.shuffle.partitions", _shuffle_partitions(master))
            .config("spark.sql.adaptive.enabled", "true")
            .config("spark.sql.adaptive.coalescePartitions.enabled", "true")
            .config("spark.driver.memory", os.environ.get("JOURNEYLINE_SPARK_DRIVER_MEMORY", "2g"))
        )
        try:
            self.spark = builder.getOrCreate()
        except Exception as error:  # the JVM failed to start: no traceback for the user
            raise UsageError(f"cannot start Spark at {master}: {error}") from error
        self.spark.sparkContext.setLogLevel("OFF")  # errors reach the user as InvalidInput
        self._cached: dict[str, Any] = {}

    def _frame(self, path: Path, fmt: str) -> Any:
        reader = self.spark.read
        try:
            if fmt == "csv":
                return reader.option("header", True).option("inferSchema", False).csv(str(path))
            if fmt in {"parquet", "flat"}:
                return reader.parquet(str(path))
            if fmt == "jsonl":
                return reader.json(str(path))
            if fmt == "xes":
                from journeyline.events.xes import xes_as_parquet

                return reader.parquet(str(xes_as_parquet(path)))
        except Exception as error:
            raise InvalidInput(explain_read_error(str(error), path, fmt)) from error
        raise UsageError(f"unknown event file format '{fmt}'")

    def source_schema(self, path: Path, fmt: str) -> list[tuple[str, str]]:
        """Column names and kinds as Spark reads them."""
        frame = self._frame(path, fmt)
        return [(f.name, _kind_of(f.dataType.simpleString())) for f in frame.schema.fields]

    def create_source(self, path: Path, fmt: str, columns: list[str]) -> str:
        """The file as a cached view, `__seq` from monotonically_increasing_id (file order for one file)."""
        from pyspark.sql import functions as F

        frame = self._frame(path, fmt)
        if "__seq" in frame.columns:  # XES: numbered while parsing
            frame = frame.select("__seq", *[F.col(f"`{c}`") for c in columns])
        else:
            frame = frame.select(
                F.monotonically_increasing_id().alias("__seq"), *[F.col(f"`{c}`") for c in columns]
            )
        # Cached: the file is scanned several times (checks, names, events), and a gzipped
        # CSV is one task; reading it once from memory saves most of the load.
        frame = frame.cache()
        old = self._cached.pop("src", None)
        if old is not None:
            old.unpersist()
        self._cached["src"] = frame
        frame.createOrReplaceTempView("src")
        return "src"

    def materialize(self, name: str, select_sql: str) -> None:
        """Cache the result and name it as a temporary view."""
        frame = self._sql(select_sql).cache()
        frame.count()
        frame.createOrReplaceTempView(name)
        old = self._cached.pop(name, None)
        if old is not None:
            old.unpersist()
        self._cached[name] = frame

    def drop(self, name: str) -> None:
        """Unpersist and forget."""
        frame = self._cached.pop(name, None)
        if frame is not None:
            frame.unpersist()
        self.spark.catalog.dropTempView(name)

    def _sql(self, sql: str) -> Any:
        try:
            return self.spark.sql(sql)
        except Exception as error:
            raise InvalidInput(f"Spark cannot run the analysis ({_first_line(error)})") from error

    def fetch(self, sql: str) -> list[tuple[Any, ...]]:
        """All rows as tuples."""
        try:
            return [tuple(r) for r in self._sql(sql).collect()]
        except InvalidInput:
            raise
        except Exception as error:
            raise InvalidInput(f"Spark cannot run the analysis ({_first_line(error)})") from error

    def close(self) -> None:
        """Drop cached tables (the session stays for reuse in-process)."""
        for name in list(self._cached):
            self.drop(name)


def _shuffle_partitions(master: str) -> str:
    """Shuffle partitions: `JOURNEYLINE_SPARK_PARTITIONS`, else 4 on a local master (Spark's
    default of 200 mostly schedules empty tasks on one machine), else 200."""
    explicit = os.environ.get("JOURNEYLINE_SPARK_PARTITIONS")
    if explicit:
        return explicit
    return "4" if master.startswith("local") else "200"


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


EngineFactory = Callable[[], Engine]


def open_engine(
    name: EngineName | str = EngineName.duckdb, spark_master: str = "local[2]"
) -> Engine:
    """An engine by name: `duckdb` (default) or `spark` (needs pyspark and Java 17)."""
    if str(name) == EngineName.duckdb:
        return DuckDBEngine()
    if str(name) == EngineName.spark:
        return SparkEngine(master=spark_master)
    raise UsageError(f"unknown engine '{name}' (known: duckdb, spark)")
