-- A person's time zone follows the browser they sign in from (true), or
-- stays where they set it in Settings (false): signing in while travelling
-- then changes nothing.
ALTER TABLE users ADD COLUMN time_zone_auto boolean NOT NULL DEFAULT true;
