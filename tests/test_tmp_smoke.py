from django.test import TestCase
from django.urls import reverse
from planstatus.plans.services import load_seed_file
from planstatus.plans.models import *
class T(TestCase):
    def test(self):
        load_seed_file()
        for url in [reverse("region", args=["hallingdal"]), reverse("plan", args=["hallingdal","byregionprogrammet"])]:
            r=self.client.get(url); assert r.status_code==200, r.status_code
            open("/tmp/"+url.strip("/").replace("/","_")+".html","wb").write(r.content)
        m=Measure.objects.get(focus_area__plan__slug="regionplan", code="2.1.1")
        r=self.client.get(m.get_absolute_url()); open("/tmp/measure.html","wb").write(r.content)
        g=Goal.objects.get(plan__slug="regionplan", code="2.1")
        r=self.client.get(reverse("goal", args=["hallingdal","regionplan",g.pk])); assert r.status_code==200; open("/tmp/goal.html","wb").write(r.content)
        from django.contrib.auth.models import User
        u=User.objects.create_superuser("a","a@b.c","x")
        self.client.force_login(u)
        r=self.client.post(reverse("continuation_suggest", args=["hallingdal","regionplan"]), {"predecessor": Plan.objects.get(slug="byregionprogrammet").pk})
        print(r.status_code)
        r=self.client.get(reverse("lineage", args=["hallingdal","regionplan"])); assert r.status_code==200; open("/tmp/lineage.html","wb").write(r.content)
