import sqlalchemy as sa
from sqlalchemy.dialects import mysql

def test_bounds(mysql_url):
    md = sa.MetaData()
    cols = []
    for cs, ns in (("latin1", [255, 256, 65535, 65536, 16777215, 16777216]), ("utf8mb4", [63, 64, 16383, 16384, 4194303, 4194304]),
                   ("utf8mb3", [85, 86, 21845, 21846]), ("ucs2", [127, 128]), ("utf16", [63, 64]), ("binary", [255, 256]), ("big5", [127, 128]), ("ujis", [85, 86])):
        for n in ns:
            cols.append(sa.Column(f"{cs}_{n}", mysql.TEXT(n, charset=cs)))
    for n in [255, 256, 65535, 65536, 16777215, 16777216]:
        cols.append(sa.Column(f"blob_{n}", sa.LargeBinary(n)))
    sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True), *cols, mysql_charset="latin1")
    sa.Table("u", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("a", sa.Text(100)), sa.Column("b", sa.Text(100, collation="utf8mb4_bin")), mysql_charset="latin1")
    e = sa.create_engine(mysql_url)
    with e.begin() as c:
        md.create_all(c)
        for r in c.exec_driver_sql("select table_name, column_name, column_type, character_set_name from information_schema.columns where table_schema=database() order by table_name, ordinal_position"):
            print(r)
