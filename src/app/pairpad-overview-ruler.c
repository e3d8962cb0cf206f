/* pairpad-overview-ruler.c: a strip beside the scrollbar marking where everyone is in the document.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "pairpad-overview-ruler"

#include "config.h"

#include "pairpad-geometry.h"
#include "pairpad-overview-ruler.h"

/* The ruler stands for the whole document, top to bottom, like the
 * scrollbar it lies on: each person's caret is a short bar in their color
 * at the height of its line, so you see at a glance where the others work
 * even when they are far off screen. It does not take input: clicks and
 * drags go through to the scrollbar. It must be as tall as the view. */

#define MARK_HEIGHT 3.0

struct _PairpadOverviewRuler
{
  GtkWidget      parent_instance;

  /* Owned */
  GtkTextView   *view;
  GPtrArray     *users;   /* of PpUserInfo, shared and never changed */
};

G_DEFINE_FINAL_TYPE (PairpadOverviewRuler, pairpad_overview_ruler, GTK_TYPE_WIDGET)

static void
pairpad_overview_ruler_snapshot (GtkWidget   *widget,
                                 GtkSnapshot *snapshot)
{
  PairpadOverviewRuler *self = PAIRPAD_OVERVIEW_RULER (widget);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  GtkAdjustment *vadjustment;
  GtkTextBuffer *buffer;
  double content_height;

  if (self->view == NULL)
    return;

  buffer = gtk_text_view_get_buffer (self->view);
  vadjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->view));
  content_height = vadjustment != NULL ? gtk_adjustment_get_upper (vadjustment) : height;

  for (guint i = 0; i < self->users->len; i++)
    {
      const PpUserInfo *user = g_ptr_array_index (self->users, i);
      GtkTextIter iter;
      GdkRGBA rgba;
      int line_y, line_height;
      double y;

      if (user->sel->len == 0)
        continue;
      if (user->color == NULL || !gdk_rgba_parse (&rgba, user->color))
        gdk_rgba_parse (&rgba, "#3584e4");

      gtk_text_buffer_get_iter_at_offset (buffer, &iter,
                                          (int) CLAMP (g_array_index (user->sel, PpRange, 0).head,
                                                       0, G_MAXINT));
      gtk_text_view_get_line_yrange (self->view, &iter, &line_y, &line_height);
      y = pairpad_geometry_ruler_mark_y (line_y, line_height, content_height, height, MARK_HEIGHT);
      gtk_snapshot_append_color (snapshot, &rgba, &GRAPHENE_RECT_INIT (0, y, width, MARK_HEIGHT));
    }
}

static void
pairpad_overview_ruler_measure (GtkWidget      *widget,
                                GtkOrientation  orientation,
                                int             for_size,
                                int            *minimum,
                                int            *natural,
                                int            *minimum_baseline,
                                int            *natural_baseline)
{
  *minimum = *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 4 : 0;
}

static void
pairpad_overview_ruler_dispose (GObject *object)
{
  PairpadOverviewRuler *self = (PairpadOverviewRuler *)object;

  g_clear_object (&self->view);

  G_OBJECT_CLASS (pairpad_overview_ruler_parent_class)->dispose (object);
}

static void
pairpad_overview_ruler_finalize (GObject *object)
{
  PairpadOverviewRuler *self = (PairpadOverviewRuler *)object;

  g_clear_pointer (&self->users, g_ptr_array_unref);

  G_OBJECT_CLASS (pairpad_overview_ruler_parent_class)->finalize (object);
}

static void
pairpad_overview_ruler_class_init (PairpadOverviewRulerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pairpad_overview_ruler_dispose;
  object_class->finalize = pairpad_overview_ruler_finalize;
  widget_class->snapshot = pairpad_overview_ruler_snapshot;
  widget_class->measure = pairpad_overview_ruler_measure;

  gtk_widget_class_set_css_name (widget_class, "overview-ruler");
}

static void
pairpad_overview_ruler_init (PairpadOverviewRuler *self)
{
  self->users = g_ptr_array_new ();
  gtk_widget_set_can_target (GTK_WIDGET (self), FALSE);
}

/* The view whose document the ruler stands for; the ruler is redrawn with
 * the marks, which the owner sets again after every edit. */
void
pairpad_overview_ruler_set_view (PairpadOverviewRuler *self,
                                 GtkTextView          *view)
{
  g_return_if_fail (PAIRPAD_IS_OVERVIEW_RULER (self));
  g_return_if_fail (view == NULL || GTK_IS_TEXT_VIEW (view));

  g_set_object (&self->view, view);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* @users: (transfer none): a snapshot of PpUserInfo that nobody changes
 * afterwards (the room view shares one with every widget that draws it),
 * positions as character offsets of the buffer. */
void
pairpad_overview_ruler_set_users (PairpadOverviewRuler *self,
                                   GPtrArray *users)
{
  g_return_if_fail (PAIRPAD_IS_OVERVIEW_RULER (self));
  g_return_if_fail (users != NULL);

  g_clear_pointer (&self->users, g_ptr_array_unref);
  self->users = g_ptr_array_ref (users);

  gtk_widget_queue_draw (GTK_WIDGET (self));
}
