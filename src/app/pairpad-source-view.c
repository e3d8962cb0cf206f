/* pairpad-source-view.c: a GtkSourceView that draws other people's carets and selections.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "pairpad-source-view"

#include "config.h"

#include "pairpad-geometry.h"
#include "pairpad-source-view.h"

/* Draws, in GtkTextView's snapshot_layer (buffer coordinates): selections
 * below the text, carets and name labels above it. It keeps copies of the
 * users (PpUserInfo is immutable) and reads their positions as character
 * offsets of the buffer at paint time, so the marks follow the text as long
 * as whoever owns the users keeps them transformed (PpClientSession does). */

struct _PairpadSourceView
{
  GtkSourceView  parent_instance;

  /* Owned */
  GPtrArray     *users;   /* of PpUserInfo, shared and never changed */
  GtkTextMark   *reveal_mark;
  guint          reveal_source;
};

G_DEFINE_FINAL_TYPE (PairpadSourceView, pairpad_source_view, GTK_SOURCE_TYPE_VIEW)

static void
get_color (const PpUserInfo *user,
           GdkRGBA          *rgba,
           float             alpha)
{
  if (user->color == NULL || !gdk_rgba_parse (rgba, user->color))
    gdk_rgba_parse (rgba, "#3584e4");
  rgba->alpha = alpha;
}

static void
iter_at (GtkTextBuffer *buffer,
         GtkTextIter   *iter,
         gint64         offset)
{
  gtk_text_buffer_get_iter_at_offset (buffer, iter, (int) CLAMP (offset, 0, G_MAXINT));
}

static void
snapshot_selection (GtkTextView      *view,
                    GtkSnapshot      *snapshot,
                    const PpUserInfo *user,
                    const PpRange    *range)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter start, end, line_end;
  GdkRGBA rgba;

  if (range->anchor == range->head)
    return;

  get_color (user, &rgba, 0.25f);
  iter_at (buffer, &start, MIN (range->anchor, range->head));
  iter_at (buffer, &end, MAX (range->anchor, range->head));

  while (gtk_text_iter_compare (&start, &end) < 0)
    {
      GdkRectangle a, b;
      int y, height;

      line_end = start;
      if (!gtk_text_iter_ends_line (&line_end))
        gtk_text_iter_forward_to_line_end (&line_end);
      if (gtk_text_iter_compare (&line_end, &end) > 0)
        line_end = end;

      gtk_text_view_get_iter_location (view, &start, &a);
      gtk_text_view_get_iter_location (view, &line_end, &b);
      gtk_text_view_get_line_yrange (view, &start, &y, &height);
      gtk_snapshot_append_color (snapshot, &rgba,
                                 &GRAPHENE_RECT_INIT (a.x, y, MAX (b.x - a.x, 4), height));

      if (!gtk_text_iter_forward_line (&start))
        break;
    }
}

static void
snapshot_caret (GtkTextView      *view,
                GtkSnapshot      *snapshot,
                const PpUserInfo *user,
                const PpRange    *range)
{
  g_autoptr(PangoLayout) layout = NULL;
  PangoRectangle ink, logical;
  GdkRectangle rect, visible;
  GdkRGBA rgba, white = { 1, 1, 1, 1 };
  float label_y;

  get_color (user, &rgba, 1.0f);
  pairpad_source_view_get_offset_location (PAIRPAD_SOURCE_VIEW (view), range->head, &rect);
  gtk_snapshot_append_color (snapshot, &rgba,
                             &GRAPHENE_RECT_INIT (rect.x - 1, rect.y, 2, MAX (rect.height, 1)));

  layout = gtk_widget_create_pango_layout (GTK_WIDGET (view), user->name);
  {
    g_autoptr(PangoFontDescription) font = pango_font_description_from_string ("Sans Bold 8");

    pango_layout_set_font_description (layout, font);
  }
  pango_layout_get_pixel_extents (layout, &ink, &logical);
  gtk_text_view_get_visible_rect (view, &visible);
  label_y = pairpad_geometry_label_y (rect.y, rect.height, logical.height, visible.y);

  gtk_snapshot_append_color (snapshot, &rgba,
                             &GRAPHENE_RECT_INIT (rect.x - 1, label_y,
                                                  logical.width + 6, logical.height));
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (rect.x + 2, label_y));
  gtk_snapshot_append_layout (snapshot, layout, &white);
  gtk_snapshot_restore (snapshot);
}

static void
pairpad_source_view_snapshot_layer (GtkTextView      *view,
                                    GtkTextViewLayer  layer,
                                    GtkSnapshot      *snapshot)
{
  PairpadSourceView *self = PAIRPAD_SOURCE_VIEW (view);

  if (layer == GTK_TEXT_VIEW_LAYER_BELOW_TEXT)
    GTK_TEXT_VIEW_CLASS (pairpad_source_view_parent_class)->snapshot_layer (view, layer, snapshot);

  for (guint i = 0; i < self->users->len; i++)
    {
      const PpUserInfo *user = g_ptr_array_index (self->users, i);

      for (guint j = 0; user->sel != NULL && j < user->sel->len; j++)
        {
          const PpRange *range = &g_array_index (user->sel, PpRange, j);

          if (layer == GTK_TEXT_VIEW_LAYER_BELOW_TEXT)
            snapshot_selection (view, snapshot, user, range);
          else
            snapshot_caret (view, snapshot, user, range);
        }
    }

  if (layer == GTK_TEXT_VIEW_LAYER_ABOVE_TEXT)
    GTK_TEXT_VIEW_CLASS (pairpad_source_view_parent_class)->snapshot_layer (view, layer, snapshot);
}

static void
pairpad_source_view_dispose (GObject *object)
{
  PairpadSourceView *self = (PairpadSourceView *)object;

  g_clear_handle_id (&self->reveal_source, g_source_remove);
  g_clear_object (&self->reveal_mark);

  G_OBJECT_CLASS (pairpad_source_view_parent_class)->dispose (object);
}

static void
pairpad_source_view_finalize (GObject *object)
{
  PairpadSourceView *self = (PairpadSourceView *)object;

  g_clear_pointer (&self->users, g_ptr_array_unref);

  G_OBJECT_CLASS (pairpad_source_view_parent_class)->finalize (object);
}

static void
pairpad_source_view_class_init (PairpadSourceViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkTextViewClass *text_view_class = GTK_TEXT_VIEW_CLASS (klass);

  object_class->dispose = pairpad_source_view_dispose;
  object_class->finalize = pairpad_source_view_finalize;
  text_view_class->snapshot_layer = pairpad_source_view_snapshot_layer;
}

static void
pairpad_source_view_init (PairpadSourceView *self)
{
  self->users = g_ptr_array_new ();
}

/* @users: (transfer none): a snapshot of PpUserInfo that nobody changes
 * afterwards (the room view shares one with every widget that draws it),
 * positions as character offsets of the buffer. */
void
pairpad_source_view_set_users (PairpadSourceView *self,
                               GPtrArray         *users)
{
  g_return_if_fail (PAIRPAD_IS_SOURCE_VIEW (self));
  g_return_if_fail (users != NULL);

  g_clear_pointer (&self->users, g_ptr_array_unref);
  self->users = g_ptr_array_ref (users);

  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * pairpad_source_view_get_offset_location:
 * @self: a view
 * @offset: a character offset, clamped to the buffer
 * @rect: (out): where a caret at @offset is drawn, in buffer coordinates
 *
 * Where other people's carets go: the one place that turns their offsets
 * into pixels, for drawing and for the tests.
 */
void
pairpad_source_view_get_offset_location (PairpadSourceView *self,
                                         gint64             offset,
                                         GdkRectangle      *rect)
{
  GtkTextIter iter;

  g_return_if_fail (PAIRPAD_IS_SOURCE_VIEW (self));
  g_return_if_fail (rect != NULL);

  iter_at (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self)), &iter, offset);
  gtk_text_view_get_iter_location (GTK_TEXT_VIEW (self), &iter, rect);
}

/**
 * pairpad_source_view_get_visible_range:
 * @self: a view
 * @range: (out): the first and last character offsets on screen
 *
 * What we see, for others to follow (the protocol's presence `view`).
 */
void
pairpad_source_view_get_visible_range (PairpadSourceView *self,
                                       PpRange           *range)
{
  GtkTextView *view = GTK_TEXT_VIEW (self);
  GdkRectangle visible;
  GtkTextIter first, last;

  g_return_if_fail (PAIRPAD_IS_SOURCE_VIEW (self));
  g_return_if_fail (range != NULL);

  gtk_text_view_get_visible_rect (view, &visible);
  gtk_text_view_get_line_at_y (view, &first, visible.y, NULL);
  gtk_text_view_get_line_at_y (view, &last, visible.y + MAX (visible.height - 1, 0), NULL);
  if (!gtk_text_iter_ends_line (&last))
    gtk_text_iter_forward_to_line_end (&last);

  range->anchor = gtk_text_iter_get_offset (&first);
  range->head = gtk_text_iter_get_offset (&last);
}

/* Puts the line of the reveal mark at the top. Not gtk_text_view_scroll_to_mark():
 * an edit above the mark before its idle scroll runs leaves the view where
 * it was. */
static void
scroll_to_line (PairpadSourceView *self)
{
  GtkAdjustment *vadjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self));
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self));
  GtkTextIter iter;
  int y, height;

  if (vadjustment == NULL || self->reveal_mark == NULL ||
      gtk_text_mark_get_deleted (self->reveal_mark))
    return;

  gtk_text_buffer_get_iter_at_mark (buffer, &iter, self->reveal_mark);
  gtk_text_iter_set_line_offset (&iter, 0);
  gtk_text_view_get_line_yrange (GTK_TEXT_VIEW (self), &iter, &y, &height);
  /* The top margin scrolls with the text: skip it to put the line at the edge. */
  gtk_adjustment_set_value (vadjustment, y + gtk_text_view_get_top_margin (GTK_TEXT_VIEW (self)));
}

static gboolean
scroll_to_line_cb (gpointer data)
{
  PairpadSourceView *self = data;

  self->reveal_source = 0;
  scroll_to_line (self);

  return G_SOURCE_REMOVE;
}

/**
 * pairpad_source_view_reveal:
 * @self: a view
 * @view: (nullable): the range someone else sees, in offsets of our buffer
 * @caret: their caret, or -1
 *
 * Shows what the person we follow sees: their first visible line at the
 * top of our view; without a view, their caret somewhere on screen.
 */
void
pairpad_source_view_reveal (PairpadSourceView *self,
                            const PpRange     *view,
                            gint64             caret)
{
  GtkTextView *text_view = GTK_TEXT_VIEW (self);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (text_view);
  GtkTextIter iter;

  g_return_if_fail (PAIRPAD_IS_SOURCE_VIEW (self));

  if (view == NULL && caret < 0)
    return;

  iter_at (buffer, &iter, view != NULL ? MIN (view->anchor, view->head) : caret);
  if (self->reveal_mark == NULL)
    self->reveal_mark = g_object_ref (gtk_text_buffer_create_mark (buffer, NULL, &iter, TRUE));
  else
    gtk_text_buffer_move_mark (buffer, self->reveal_mark, &iter);

  if (view == NULL)
    {
      gtk_text_view_scroll_mark_onscreen (text_view, self->reveal_mark);
      return;
    }

  /* Now, with the lines as measured so far, and again once the view has
   * measured the lines around the new place. */
  scroll_to_line (self);
  if (self->reveal_source == 0)
    self->reveal_source = g_idle_add_full (GTK_TEXT_VIEW_PRIORITY_VALIDATE + 1, scroll_to_line_cb,
                                           self, NULL);
}