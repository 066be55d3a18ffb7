import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

ROLE_FLAGS = {"buyer": "buyers", "evaluator": "evaluators", "finance": "finance"}


class UserFactory(factory.django.DjangoModelFactory):
    """``UserFactory(buyer=True)`` (likewise ``evaluator``, ``finance``), ``UserFactory(admin=True)``, or
    ``UserFactory(roles=["buyers", "finance"])``."""

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
        admin = factory.Trait(is_staff=True, is_superuser=True)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # Traits cannot feed a post-generation hook, so the role flags are read here.
        names = [group for flag, group in ROLE_FLAGS.items() if kwargs.pop(flag, False)]
        user = super()._create(model_class, *args, **kwargs)
        if names:
            user.groups.add(*Group.objects.filter(name__in=names))
        return user

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*Group.objects.filter(name__in=extracted))
