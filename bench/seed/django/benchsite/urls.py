from django.http import JsonResponse
from django.urls import path


def whoami(request):
    # The same answer as the Node servers' /whoami: the user, or 401.
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return JsonResponse({"error": "unauthenticated"}, status=401)
    return JsonResponse({"user": user.username, "scheme": "jwt"})


urlpatterns = [path("whoami", whoami)]
