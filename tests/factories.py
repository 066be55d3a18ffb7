import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group


class UserFactory(factory.django.DjangoModelFactory):
    """``UserFactory(buyer=True)`` (likewise ``evaluator``, ``finance``), ``UserFactory(admin=True)``,
    or ``UserFactory(groups=["buyers", "finance"])``. The groups come from the core data migration:
    they are looked up, never created."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"agent{n}")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    email = factory.LazyAttribute(lambda u: f"{u.username}@metropole.example")
    password = factory.django.Password("mot-de-passe-de-test")

    class Params:
        # A trait cannot override a post-generation value (factory_boy drops it): the traits pass
        # the role names as an extra argument of the declaration, ``groups__names``.
        buyer = factory.Trait(groups__names=["buyers"])
        evaluator = factory.Trait(groups__names=["evaluators"])
        finance = factory.Trait(groups__names=["finance"])
        admin = factory.Trait(is_staff=True, is_superuser=True)

    @factory.post_generation
    def groups(self, create, extracted, names=(), **kwargs):
        wanted = [*names, *(extracted or [])]
        if create and wanted:
            groups = list(Group.objects.filter(name__in=wanted))
            assert len(groups) == len(set(wanted)), f"groupe(s) inconnu(s) : {wanted}"
            self.groups.add(*groups)
