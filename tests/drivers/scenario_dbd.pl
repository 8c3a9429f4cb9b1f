# The driver scenario through Perl DBI with DBD::Pg (libpq underneath:
# PQprepare / PQexecPrepared for placeholders, server-side prepared
# statements). Prints one line per step; tests/drivers.rs compares the
# lines with PostgreSQL 15's.
use strict;
use warnings;
use DBI;
use DBD::Pg qw(:pg_types);

my $port = $ARGV[0];
my $dbh = DBI->connect("dbi:Pg:dbname=postgres;host=127.0.0.1;port=$port", 'postgres', '',
    { AutoCommit => 1, RaiseError => 1, PrintError => 0 });

sub show {
    my ($v) = @_;
    return 'NULL' unless defined $v;
    return $v;
}
sub line { my ($label, @row) = @_; print "$label: " . join('|', map { show($_) } @row) . "\n"; }
sub sqlstate {
    my ($f) = @_;
    eval { $f->(); 1 } and return 'ok';
    return $dbh->state;
}

$dbh->do('DROP TABLE IF EXISTS drv');
$dbh->do('CREATE TABLE drv (id int PRIMARY KEY, name text, score numeric(6,2), flag bool, ts timestamp, data bytea)');
my $ins = $dbh->prepare('INSERT INTO drv VALUES (?, ?, ?, ?, ?, ?)');
$ins->bind_param(6, undef, { pg_type => PG_BYTEA });
$ins->execute(1, 'alice', '1.5', 1, '2024-01-02 03:04:05', "\x00\xff");
$ins->execute(2, undef, undef, undef, undef, undef);
my $sel = $dbh->prepare('SELECT id, name, score, flag, ts, encode(data, \'hex\') FROM drv WHERE id = ?');
$sel->execute(1);
line('select', $sel->fetchrow_array);
$sel->execute(2);
line('nulls', $sel->fetchrow_array);

$dbh->begin_work;
$ins->execute(3, 'carol', 3, 0, undef, undef);
$dbh->rollback;
line('after rollback', $dbh->selectrow_array('SELECT count(*) FROM drv'));

$dbh->begin_work;
print 'duplicate: ' . sqlstate(sub { $ins->execute(1, 'again', undef, undef, undef, undef) }) . "\n";
print 'in failed transaction: ' . sqlstate(sub { $dbh->selectrow_array('SELECT 1') }) . "\n";
$dbh->rollback;

my $by_id = $dbh->prepare('SELECT name FROM drv WHERE id = ?');
my @names;
for my $i (1, 2, 1, 2, 1, 2) {
    $by_id->execute($i);
    push @names, show(($by_id->fetchrow_array)[0]);
}
print 'prepared: ' . join('|', @names) . "\n";

my $rows = $dbh->selectall_arrayref(q{SELECT g, 'row ' || g FROM generate_series(1, 10000) g});
my $sum = 0;
$sum += $_->[0] for @$rows;
print '10000 rows: ' . scalar(@$rows) . " $sum $rows->[-1][1]\n";

line('types', $dbh->selectrow_array(
    q{SELECT 1::int2, 2::int4, 3::int8, 1.5::float4, 2.25::float8, 12.345::numeric(6,3), true, 'text'::text, '2024-02-29'::date, '12:34:56'::time, '1 day 02:00:00'::interval, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid, ?::int4, ?::text},
    undef, 42, 'param'));
$_->finish for $ins, $sel, $by_id;
$dbh->do('DROP TABLE drv');
$dbh->disconnect;
print "done\n";
