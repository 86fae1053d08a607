import time
from django.contrib.auth import get_user_model
from django.utils import timezone
from luodi.extraction.services import reading_create
from luodi.divisions.models import Division


def test_explore(demo):
    user = get_user_model().objects.get(username="kyzq")
    t = time.time()
    text = "截至目前，科右中旗完成沙化土地综合治理2.5万亩，其中人工造林0.8万亩、封沙育林1.7万亩。改造老旧管网12公里，老旧小区3个。"
    r = reading_create(
        title="",
        text=text,
        division=Division.objects.get(code="152222"),
        as_of=timezone.localdate(),
        acting_user=user,
    )
    for p in r.proposals.all():
        print(
            p.position,
            p.written,
            p.value,
            p.unit,
            p.dimension,
            p.kind,
            p.indicator and p.indicator.code,
            p.division and p.division.code,
            p.period,
            p.part_of_id,
            p.subject,
        )
    print(time.time() - t)
