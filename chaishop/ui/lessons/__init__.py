"""The words of each lesson of its own (core/workloads/lesson_kind.py), one module per lesson:
what the lesson panel shows while a run is on and when it ends.  ``base.LessonView`` says how."""
