-- PostgreSQL's JIT compiles a query whose estimated cost is high, which a
-- count over a heavy user's 50 000 tasks reaches: 5-16 ms of compiling
-- for a 20-40 ms query (make bench-scale, EXPLAIN ANALYZE). Short OLTP
-- queries never gain from it. Where the app's role may not change its
-- database's settings (a managed service), it stays on.
DO $$
BEGIN
    EXECUTE format('ALTER DATABASE %I SET jit = off', current_database());
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'jit stays on: the role may not change the database''s settings';
END
$$;
