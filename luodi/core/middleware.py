from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Chinese unless the user picked another language with the switcher.

    The browser's Accept-Language is not consulted by the pages: an office
    computer with an English system should still show the Chinese interface its
    users expect. The API, whose clients are programs, honours it.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        if chosen not in supported and request.path_info.startswith("/api/v1/"):
            chosen = translation.get_language_from_request(request)
        translation.activate(chosen if chosen in supported else settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()
