/* app-harness.h: the app's real widgets in windows, found and used as people use them.
 *
 * Copyright 2026 The Pairpad Authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "pairpad-room-view.h"
#include "pairpad-secrets.h"
#include "test-utils.h"

G_BEGIN_DECLS

/* Before g_test_init(); once per process. Without a keyring the app warns
 * once (pairpad-secrets): no failure of the test, and counted in
 * @n_warnings (nullable). */
void        pp_test_allow_keyring_warning    (guint               *n_warnings);
/* That, g_test_init(), then GTK, libadwaita and the app's styles; FALSE,
 * and the test skipped, when there is no display. */
gboolean    pp_test_app_init                 (int                 *argc,
                                              char              ***argv);

GtkWindow  *pp_test_window_new               (GtkWidget           *child,
                                              int                  width,
                                              int                  height);
void        pp_test_destroy_windows          (void);
GtkWindow  *pp_test_find_toplevel            (GType                type);
GtkWidget  *pp_test_find_widget              (GtkWidget           *root,
                                              GType                type,
                                              const char          *text);
GtkWidget  *pp_test_find_row                 (GtkWidget           *root,
                                              const char          *title);
GtkWidget  *pp_test_find_button              (GtkWidget           *root,
                                              const char          *action);
gboolean    pp_test_shows                    (gpointer             widget,
                                              const char          *text);
gboolean    pp_test_can_click                (GtkWidget           *root,
                                              const char          *action);
void        pp_test_click                    (GtkWidget           *root,
                                              const char          *action);

GSettings  *pp_test_settings_new             (const char          *server);
void        pp_test_settings_reset_and_unref (GSettings           *settings);
GtkWidget  *pp_test_start_view_new           (GPtrArray           *opened);
GStrv       pp_test_create_room              (GtkWidget           *start_view,
                                              GPtrArray           *opened);

gboolean    pp_test_set_flag                 (gpointer             flag);
void        pp_test_keep_result              (GObject             *source,
                                              GAsyncResult        *result,
                                              gpointer             data);
void        pp_test_wait_ms                  (guint                ms);
void        pp_test_wait_for_layout          (void);
void        pp_test_save_screenshot          (GtkWidget           *window,
                                              GtkWidget           *popover,
                                              const char          *name);

/* The app's secrets, each call waited for. */
char       *pp_test_secrets_dup              (PairpadSecrets      *secrets,
                                              PairpadSecretKind    kind,
                                              const char          *server,
                                              const char          *room);
gboolean    pp_test_secrets_store            (PairpadSecrets      *secrets,
                                              PairpadSecretKind    kind,
                                              const char          *server,
                                              const char          *room,
                                              const char          *secret);
void        pp_test_secrets_forget           (PairpadSecrets      *secrets,
                                              PairpadSecretKind    kind,
                                              const char          *server,
                                              const char          *room);
gboolean    pp_test_keyring_is_available     (void);

/* Room views */
PairpadRoomView *pp_test_room_view_open      (const char      *base_url,
                                              const char      *room,
                                              const char      *token);
gboolean         pp_test_room_view_is_in     (PairpadRoomView *view);
GtkTextBuffer   *pp_test_room_view_buffer    (PairpadRoomView *view);
void             pp_test_room_view_type      (PairpadRoomView *view,
                                              const char      *text);
char            *pp_test_buffer_dup_text     (GtkTextBuffer   *buffer);

G_END_DECLS
