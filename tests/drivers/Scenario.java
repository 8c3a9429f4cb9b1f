// The driver scenario through pgjdbc (the extended protocol always;
// named server-side statements and binary transfer once a statement has
// run prepareThreshold times, here 2). Prints one line per step;
// tests/drivers.rs compares the lines with PostgreSQL 15's.
import java.math.BigDecimal;
import java.sql.*;
import java.util.ArrayList;
import java.util.List;

public class Scenario {
    static String show(Object v) {
        if (v == null) return "NULL";
        if (v instanceof byte[]) {
            StringBuilder sb = new StringBuilder("\\x");
            for (byte b : (byte[]) v) sb.append(String.format("%02x", b & 0xff));
            return sb.toString();
        }
        return v.toString();
    }

    static void line(String label, ResultSet rs) throws SQLException {
        int n = rs.getMetaData().getColumnCount();
        List<String> parts = new ArrayList<>();
        for (int i = 1; i <= n; i++) parts.add(show(rs.getObject(i)));
        System.out.println(label + ": " + String.join("|", parts));
    }

    interface Action { void run() throws SQLException; }

    static String sqlstate(Action a) {
        try { a.run(); return "ok"; } catch (SQLException e) { return e.getSQLState(); }
    }

    public static void main(String[] args) throws Exception {
        String url = "jdbc:postgresql://127.0.0.1:" + args[0] + "/postgres?user=postgres&prepareThreshold=2&sslmode=disable";
        try (Connection c = DriverManager.getConnection(url)) {
            try (Statement s = c.createStatement()) {
                s.execute("SET client_min_messages = warning");
                s.execute("DROP TABLE IF EXISTS drv");
                s.execute("CREATE TABLE drv (id int PRIMARY KEY, name text, score numeric(6,2), flag bool, ts timestamp, data bytea)");
            }
            PreparedStatement ins = c.prepareStatement("INSERT INTO drv VALUES (?, ?, ?, ?, ?, ?)");
            ins.setInt(1, 1); ins.setString(2, "alice"); ins.setBigDecimal(3, new BigDecimal("1.5"));
            ins.setBoolean(4, true); ins.setTimestamp(5, Timestamp.valueOf("2024-01-02 03:04:05"));
            ins.setBytes(6, new byte[] {0, (byte) 0xff});
            ins.executeUpdate();
            ins.setInt(1, 2); ins.setNull(2, Types.VARCHAR); ins.setNull(3, Types.NUMERIC);
            ins.setNull(4, Types.BOOLEAN); ins.setNull(5, Types.TIMESTAMP); ins.setNull(6, Types.BINARY);
            ins.executeUpdate();
            PreparedStatement sel = c.prepareStatement("SELECT * FROM drv WHERE id = ?");
            sel.setInt(1, 1);
            try (ResultSet rs = sel.executeQuery()) { rs.next(); line("select", rs); }
            sel.setInt(1, 2);
            try (ResultSet rs = sel.executeQuery()) { rs.next(); line("nulls", rs); }

            c.setAutoCommit(false);
            ins.setInt(1, 3); ins.setString(2, "carol");
            ins.executeUpdate();
            c.rollback();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM drv")) {
                rs.next(); line("after rollback", rs);
            }
            c.rollback();

            ins.setInt(1, 1); ins.setString(2, "again");
            System.out.println("duplicate: " + sqlstate(ins::executeUpdate));
            System.out.println("in failed transaction: " + sqlstate(() -> c.createStatement().executeQuery("SELECT 1")));
            c.rollback();
            c.setAutoCommit(true);

            PreparedStatement byId = c.prepareStatement("SELECT name FROM drv WHERE id = ?");
            List<String> names = new ArrayList<>();
            for (int i : new int[] {1, 2, 1, 2, 1, 2}) {
                byId.setInt(1, i);
                try (ResultSet rs = byId.executeQuery()) { rs.next(); names.add(show(rs.getString(1))); }
            }
            System.out.println("prepared: " + String.join("|", names));

            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT g, 'row ' || g FROM generate_series(1, 10000) g")) {
                long n = 0, sum = 0; String last = null;
                while (rs.next()) { n++; sum += rs.getLong(1); last = rs.getString(2); }
                System.out.println("10000 rows: " + n + " " + sum + " " + last);
            }

            PreparedStatement types = c.prepareStatement(
                "SELECT 1::int2, 2::int4, 3::int8, 1.5::float4, 2.25::float8, 12.345::numeric(6,3), true, 'text'::text, "
                + "'\\x0102'::bytea, '2024-02-29'::date, '12:34:56'::time, '2024-01-02 03:04:05.123456'::timestamp, "
                + "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid, ?::int4, ?::text");
            for (int round = 0; round < 3; round++) {
                types.setInt(1, 42); types.setString(2, "param");
                try (ResultSet rs = types.executeQuery()) { rs.next(); line("types " + round, rs); }
            }

            // A fetch size makes pgjdbc read through a portal, a few rows at a time.
            c.setAutoCommit(false);
            try (PreparedStatement p = c.prepareStatement("SELECT g FROM generate_series(1, 1000) g WHERE g > ?")) {
                p.setFetchSize(100);
                p.setInt(1, 10);
                long n = 0;
                try (ResultSet rs = p.executeQuery()) { while (rs.next()) n++; }
                System.out.println("fetched: " + n);
            }
            c.commit();
            c.setAutoCommit(true);
            try (Statement s = c.createStatement()) { s.execute("DROP TABLE drv"); }
        }
        System.out.println("done");
    }
}
