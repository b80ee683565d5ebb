-- The calendar feed of one project, or (NULL) of every project (issue 30,
-- item 7). The composite key keeps it one of the owner's projects; a
-- scope is changed without a new address.
ALTER TABLE calendar_feeds
    ADD COLUMN project_id bigint,
    ADD FOREIGN KEY (project_id, user_id) REFERENCES projects (id, user_id);
