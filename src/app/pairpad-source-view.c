/* pairpad-source-view.c: a GtkSourceView that draws other people's carets and selections.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "pairpad-source-view"

#include "config.h"

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
  GPtrArray     *users;   /* of PpUserInfo */
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
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  g_autoptr(PangoLayout) layout = NULL;
  PangoRectangle ink, logical;
  GtkTextIter iter;
  GdkRectangle rect;
  GdkRGBA rgba, white = { 1, 1, 1, 1 };
  float label_y;

  get_color (user, &rgba, 1.0f);
  iter_at (buffer, &iter, range->head);
  gtk_text_view_get_iter_location (view, &iter, &rect);
  gtk_snapshot_append_color (snapshot, &rgba,
                             &GRAPHENE_RECT_INIT (rect.x - 1, rect.y, 2, MAX (rect.height, 1)));

  /* The name sits just above the caret, or below it on the first line. */
  layout = gtk_widget_create_pango_layout (GTK_WIDGET (view), user->name);
  {
    g_autoptr(PangoFontDescription) font = pango_font_description_from_string ("Sans Bold 8");

    pango_layout_set_font_description (layout, font);
  }
  pango_layout_get_pixel_extents (layout, &ink, &logical);
  label_y = rect.y - logical.height;
  if (label_y < 0)
    label_y = rect.y + rect.height;

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

  object_class->finalize = pairpad_source_view_finalize;
  text_view_class->snapshot_layer = pairpad_source_view_snapshot_layer;
}

static void
pairpad_source_view_init (PairpadSourceView *self)
{
  self->users = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_user_info_unref);
}

/* @users: of PpUserInfo, positions as character offsets of the buffer. */
void
pairpad_source_view_set_users (PairpadSourceView *self,
                               GPtrArray         *users)
{
  g_return_if_fail (PAIRPAD_IS_SOURCE_VIEW (self));

  g_ptr_array_set_size (self->users, 0);
  for (guint i = 0; users != NULL && i < users->len; i++)
    g_ptr_array_add (self->users, pp_user_info_ref (g_ptr_array_index (users, i)));

  gtk_widget_queue_draw (GTK_WIDGET (self));
}
