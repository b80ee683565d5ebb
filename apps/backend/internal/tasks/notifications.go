package tasks

import (
	"context"
	"fmt"
	"time"

	"github.com/todo-app/todo-app/apps/backend/internal/domain"
	"github.com/todo-app/todo-app/apps/backend/internal/store"
	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/dates"
)

// UnseenWindow is how far back "what fired while you were away" goes.
const UnseenWindow = 7 * 24 * time.Hour

// maxNotifications bounds one answer.
const maxNotifications = 50

// Notifications lists fired reminders: those after id after, or (after
// < 0) those not seen yet from the last UnseenWindow.
func (s *Service) Notifications(ctx context.Context, userID string, after int64) (api.NotificationList, error) {
	var since *time.Time
	if after < 0 {
		t := s.now().Add(-UnseenWindow)
		since, after = &t, 0
	}
	rows, last, err := s.store.Notifications(ctx, userID, after, since, maxNotifications)
	if err != nil {
		return api.NotificationList{}, err
	}
	out := api.NotificationList{Notifications: make([]api.Notification, len(rows)), LastID: last}
	for i, r := range rows {
		out.Notifications[i] = api.Notification{ID: r.ID, TaskID: r.TaskID, Title: r.Title, DueDate: r.DueDate, DueAt: dates.ShownPtr(r.DueAt), Completed: r.Completed,
			FireAt: dates.Shown(r.FireAt), FiredAt: dates.Shown(r.FiredAt), Late: r.Late, Seen: r.Seen}
	}
	return out, nil
}

// MarkSeen marks notifications seen: they are not shown again.
func (s *Service) MarkSeen(ctx context.Context, userID string, ids []int64) error {
	if len(ids) > maxNotifications {
		return domain.Field("ids", fmt.Sprintf("at most %d at a time", maxNotifications))
	}
	return s.store.MarkSeen(ctx, userID, ids)
}

// Snooze reminds again in minutes (1–1440): a reminder at that time is
// added, and fired ones make room for it.
func (s *Service) Snooze(ctx context.Context, userID string, id int64, minutes int) (api.Task, error) {
	if minutes < 1 || minutes > 24*60 {
		return api.Task{}, domain.Field("minutes", "must be between 1 and 1440 (a day)")
	}
	var out api.Task
	err := s.store.WithTx(ctx, func(ctx context.Context, tx Tx) error {
		t, err := tx.GetTaskForUpdate(ctx, userID, id)
		if err != nil {
			return taskErr(id, err)
		}
		cur, err := tx.RemindersOf(ctx, id)
		if err != nil {
			return err
		}
		var keep []store.Reminder
		for _, r := range cur {
			if r.FiredAt == nil {
				keep = append(keep, store.Reminder{At: r.At, BeforeMinutes: r.BeforeMinutes, AtTime: r.AtTime, FireAt: r.FireAt})
			}
		}
		if len(keep) >= api.MaxReminders {
			keep = keep[1:]
		}
		at := s.now().Add(time.Duration(minutes) * time.Minute).UTC().Truncate(time.Second)
		keep = append(keep, store.Reminder{At: &at, FireAt: &at})
		if err := tx.SetReminders(ctx, &t, keep); err != nil {
			return err
		}
		if t, err = tx.GetTask(ctx, userID, id); err != nil {
			return err
		}
		out = ToAPI(&t)
		return nil
	})
	return out, err
}
