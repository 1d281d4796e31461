"""One way to paginate a list page: 25 rows, the page number from the query string (a wrong
one gives the nearest page), and the other parameters kept for the links of
templates/partials/pagination.html."""

from django.core.paginator import Paginator

PAGE_SIZE = 25


def page_of(request, rows, param="page", per_page=None):
    """{"page": the Page, "keep": the query string without `param`} for the template."""
    page = Paginator(rows, per_page or PAGE_SIZE).get_page(request.GET.get(param))
    keep = request.GET.copy()
    keep.pop(param, None)
    return {"page": page, "keep": keep.urlencode()}
