-- When the zone in time_zone was last reported by a browser's page load
-- while the person is on "Automatic" (issue 29): Settings says where the
-- zone came from and when ("from your browser, 5 minutes ago"). NULL: no
-- page load has reported one yet (sign-up's zone, or a zone chosen in
-- Settings). A nullable column without a default: no table rewrite.
ALTER TABLE users ADD COLUMN time_zone_seen_at timestamptz;
