-- Failed sign-ins are counted per account and client address (issue 36):
-- a wait after failures holds back the address that failed, not the
-- account's owner signing in from elsewhere. client is the address as the
-- backend believes it (a frontend's signed X-Todo-Client, else the peer),
-- an IPv6 one cut to its /64. Rows are a day's worth of failures at most:
-- the old per-account rows are dropped, not converted.
DELETE FROM sign_in_failures;
ALTER TABLE sign_in_failures ADD COLUMN client text NOT NULL;
ALTER TABLE sign_in_failures DROP CONSTRAINT sign_in_failures_pkey;
ALTER TABLE sign_in_failures ADD PRIMARY KEY (email, client);
