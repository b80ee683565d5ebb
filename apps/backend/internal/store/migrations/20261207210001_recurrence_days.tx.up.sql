-- The recurrence model (pkg/recurrence): the days of the week a daily or
-- weekly series falls on (a bit set, Monday 1 … Sunday 64; 0: none named)
-- and the day of the month a monthly or yearly series keeps (1-31, -1 the
-- last day; 0: its due's). Constant defaults: no table rewrite.
ALTER TABLE tasks
    ADD COLUMN recurrence_weekdays smallint NOT NULL DEFAULT 0
        CHECK (recurrence_weekdays BETWEEN 0 AND 127),
    ADD COLUMN recurrence_month_day smallint NOT NULL DEFAULT 0
        CHECK (recurrence_month_day BETWEEN -1 AND 31);
